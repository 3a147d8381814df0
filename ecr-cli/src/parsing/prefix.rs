//! Abbreviated long options, as the AWS CLI's argparse takes them: a flag
//! may be given by any prefix that starts exactly one option of its parser
//! (`--out text`, `--image-id` for `--image-ids`); a prefix of several is
//! an error naming them in the order the parser knows them. The global
//! flags form one parser, matched first wherever they stand; an operation's
//! flags another.

/// The AWS CLI v2's global flags, in the order its parser registers them
/// (the order an ambiguity lists them in).
pub const GLOBAL_FLAGS: &[&str] = &[
    "debug",
    "endpoint-url",
    "no-verify-ssl",
    "no-paginate",
    "output",
    "query",
    "profile",
    "region",
    "version",
    "color",
    "no-sign-request",
    "ca-bundle",
    "cli-read-timeout",
    "cli-connect-timeout",
    "cli-binary-format",
    "no-cli-pager",
    "cli-auto-prompt",
    "no-cli-auto-prompt",
    "cli-error-format",
];

/// The option `word` (a flag without its dashes, perhaps `name=value`)
/// names among `options`: itself when it is one, the one option it is a
/// prefix of, or none (`Ok(None)`); an error when it starts several.
pub fn expand<'a>(word: &str, options: impl IntoIterator<Item = &'a str> + Clone) -> Result<Option<&'a str>, String> {
    let name = word.split_once('=').map_or(word, |(name, _)| name);
    if let Some(exact) = options.clone().into_iter().find(|option| *option == name) {
        return Ok(Some(exact));
    }
    let matches: Vec<&str> = options.into_iter().filter(|option| option.starts_with(name)).collect();
    match matches.as_slice() {
        [] => Ok(None),
        [one] => Ok(Some(one)),
        // As argparse words it: the word as typed, `=value` included.
        several => Err(format!(
            "ambiguous option: --{word} could match {}",
            several.iter().map(|o| format!("--{o}")).collect::<Vec<_>>().join(", ")
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_prefix_names_the_one_option_it_starts() {
        assert_eq!(expand("out", GLOBAL_FLAGS.iter().copied()), Ok(Some("output")));
        assert_eq!(expand("region", GLOBAL_FLAGS.iter().copied()), Ok(Some("region")));
        assert_eq!(expand("repository-name", GLOBAL_FLAGS.iter().copied()), Ok(None));
    }

    #[test]
    fn an_exact_name_wins_over_longer_ones() {
        assert_eq!(expand("image-id", ["image-id", "image-ids"]), Ok(Some("image-id")));
    }

    #[test]
    fn a_prefix_of_several_is_refused_as_argparse_words_it() {
        assert_eq!(
            expand("max=3", ["max-results", "max-items"]),
            Err("ambiguous option: --max=3 could match --max-results, --max-items".to_owned())
        );
        assert_eq!(
            expand("no", GLOBAL_FLAGS.iter().copied()),
            Err("ambiguous option: --no could match --no-verify-ssl, --no-paginate, --no-sign-request, \
                 --no-cli-pager, --no-cli-auto-prompt"
                .to_owned())
        );
    }
}
