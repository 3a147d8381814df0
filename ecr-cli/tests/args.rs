//! The parser against bad input for every flag of every command: an error
//! of one line, never a panic, never a silent wrong value.

use ecr_cli::parsing::schema::Shape;
use ecr_cli::parsing::{parse, Action};
use ecr_cli::COMMANDS;

const BAD_VALUES: &[&str] = &[
    "",
    "{",
    "[",
    "[1,",
    "{\"x\":1}",
    "[{\"nope\":1}]",
    "file:///no/such/file",
    "fileb:///no/such/file",
    "a=b",
    "=",
    ",",
    "null",
    "1e999",
    "-1",
    "99999999999999999999",
    "\u{0}",
    "tru",
    "[[[]]]",
    "{\"a\":{\"b\":[]}}",
];

fn args(words: &[&str]) -> Vec<String> {
    words.iter().map(|w| w.to_string()).collect()
}

#[test]
fn bad_values_for_every_flag_are_one_line_errors_or_the_right_type() {
    for command in COMMANDS {
        for member in command.members() {
            let flag = format!("--{}", member.flag);
            for value in BAD_VALUES {
                let words = args(&[command.name, &flag, value]);
                let parsed = std::panic::catch_unwind(|| parse(&words));
                let parsed = parsed.unwrap_or_else(|_| panic!("panicked on {words:?}"));
                match parsed {
                    Err(e) => assert!(!e.contains('\n') && !e.is_empty(), "{words:?}: {e:?}"),
                    Ok(invocation) => {
                        let Action::Call { input, .. } = invocation.action else { panic!("{words:?}") };
                        // Accepted only where the value fits the member's type.
                        if let Some(value) = input.get(member.name) {
                            let fits = match member.shape {
                                Shape::String | Shape::Enum(_) | Shape::Blob => value.is_string(),
                                Shape::Integer | Shape::Long => value.is_i64(),
                                Shape::Double | Shape::Timestamp => value.is_number(),
                                Shape::Boolean => value.is_boolean(),
                                Shape::List(_) => value.is_array(),
                                Shape::Map(_) | Shape::Structure(_) => value.is_object(),
                            };
                            assert!(fits, "{words:?} gave {value}");
                        }
                    }
                }
            }
        }
    }
}

#[test]
fn whole_inputs_of_the_wrong_shape_are_refused() {
    for command in COMMANDS {
        let mut cases = vec!["[]".to_owned(), "\"text\"".into(), "{\"noSuchMember\": 1}".into(), "{".into()];
        for member in command.members() {
            // A value of no member's type: an object where a scalar goes, a
            // string where a structure or list goes.
            let wrong = if member.shape.is_scalar() { "{\"x\": 1}" } else { "\"text\"" };
            cases.push(format!("{{\"{}\": {wrong}}}", member.name));
        }
        for json in cases {
            let words = args(&[command.name, "--cli-input-json", &json]);
            let error = parse(&words).err().unwrap_or_else(|| panic!("accepted {words:?}"));
            assert!(!error.contains('\n'), "{error}");
        }
    }
}

#[test]
fn global_flags_go_anywhere_and_are_checked() {
    let parsed = parse(&args(&[
        "--region",
        "eu-west-1",
        "list-images",
        "--repository-name",
        "app",
        "--output",
        "text",
        "--cli-read-timeout",
        "2.5",
        "--no-paginate",
    ]))
    .unwrap();
    assert_eq!(parsed.globals.region.as_deref(), Some("eu-west-1"));
    assert!(parsed.globals.output == Some(ecr_cli::parsing::globals::Format::Text) && parsed.globals.no_paginate);
    assert_eq!(parsed.globals.read_timeout, Some(std::time::Duration::from_millis(2500)));
    for bad in
        [&["--cli-read-timeout", "-1", "describe-registry"][..], &["--region"], &["--output=xml", "describe-registry"]]
    {
        assert!(parse(&args(bad)).is_err(), "{bad:?}");
    }
}

/// Every prefix of every flag of every command (both APIs), parsed as the
/// AWS CLI's argparse takes it: the global flags' parser first, then the
/// command's; a prefix of one option is that option (parsed exactly as the
/// whole name), a prefix of several is refused naming them in the parser's
/// order. The expectation is computed here from the tables, apart from the
/// parser; `tests/aws_cli_v2.rs` holds a sample against v2 itself.
#[test]
fn every_unambiguous_prefix_is_its_flag_and_every_ambiguous_one_is_refused() {
    use ecr_cli::parsing::prefix::GLOBAL_FLAGS;
    use ecr_cli::Api;
    let mut checked = 0;
    for api in [Api::Ecr, Api::Public] {
        let program: &[&str] = if api == Api::Public { &["public"] } else { &[] };
        for command in api.commands() {
            // The command's parser, in registration order.
            let mut options: Vec<String> = Vec::new();
            for member in command.members() {
                options.push(member.flag.to_owned());
                if matches!(member.shape, Shape::Boolean) {
                    options.push(format!("no-{}", member.flag));
                }
            }
            options.extend(["cli-input-json", "cli-input-yaml"].map(String::from));
            if let Some(paging) = &command.paging {
                options.push("starting-token".into());
                if paging.page_size.is_some() {
                    options.push("page-size".into());
                }
                options.push("max-items".into());
            }
            options.extend(["generate-cli-skeleton", "help"].map(String::from));
            for option in &options {
                for end in 1..=option.len() {
                    let prefix = &option[..end];
                    let among = |names: &mut dyn Iterator<Item = &str>| -> Vec<String> {
                        let names: Vec<&str> = names.collect();
                        if names.contains(&prefix) {
                            return vec![prefix.to_owned()];
                        }
                        names.into_iter().filter(|n| n.starts_with(prefix)).map(str::to_owned).collect()
                    };
                    let globals = among(&mut GLOBAL_FLAGS.iter().copied());
                    let matches =
                        if globals.is_empty() { among(&mut options.iter().map(String::as_str)) } else { globals };
                    let parsed = |flag: &str| {
                        let words: Vec<String> =
                            program.iter().copied().chain([command.name, flag, "1"]).map(str::to_owned).collect();
                        format!("{:?}", parse(&words))
                    };
                    let ours = parsed(&format!("--{prefix}"));
                    match matches.as_slice() {
                        // `--help` is read before flags are matched.
                        [one] if one == "help" => {}
                        [one] => assert_eq!(ours, parsed(&format!("--{one}")), "{} --{prefix}", command.name),
                        several => {
                            let listed = several.iter().map(|o| format!("--{o}")).collect::<Vec<_>>().join(", ");
                            let expected = format!("ambiguous option: --{prefix} could match {listed}");
                            assert!(
                                ours.contains(&expected),
                                "{} --{prefix}: {ours}\nexpected {expected}",
                                command.name
                            );
                        }
                    }
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 5000, "{checked} prefixes");
}
