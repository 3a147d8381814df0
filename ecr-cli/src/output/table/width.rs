//! How many columns the AWS CLI's table gives text: two for each
//! character of East Asian Width W, F or A, one for every other.

use super::wide_ranges::WIDE;

/// `get_text_length` of `awscli/table.py`.
pub fn text_length(text: &str) -> usize {
    text.chars().map(|c| if is_wide(c) { 2 } else { 1 }).sum()
}

fn is_wide(c: char) -> bool {
    let c = c as u32;
    // Most text is ASCII, which has no wide character.
    c >= 0xA1
        && WIDE
            .binary_search_by(|&(start, end)| {
                if end < c {
                    std::cmp::Ordering::Less
                } else if start > c {
                    std::cmp::Ordering::Greater
                } else {
                    std::cmp::Ordering::Equal
                }
            })
            .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The table against Python's own answer for every code point.
    #[test]
    fn every_code_point_counts_as_pythons_unicodedata_counts_it() {
        let script = "import unicodedata,sys\n\
            sys.stdout.write(''.join('2' if unicodedata.east_asian_width(chr(c)) in 'WFA' else '1' \
            for c in range(0x110000)))";
        let output = match std::process::Command::new("python3").args(["-c", script]).output() {
            Ok(output) if output.status.success() => output,
            other => {
                assert!(std::env::var_os("CI").is_none(), "python3 must run under CI: {other:?}");
                eprintln!("skipped: comparing widths with Python needs python3");
                return;
            }
        };
        let mismatched: Vec<u32> = (0..0x110000u32)
            .filter(|&c| {
                let ours = char::from_u32(c).map(|ch| if is_wide(ch) { b'2' } else { b'1' });
                // Surrogates are not chars: nothing to compare.
                ours.is_some_and(|ours| ours != output.stdout[c as usize])
            })
            .collect();
        assert!(mismatched.is_empty(), "{} code points differ, first U+{:04X}", mismatched.len(), mismatched[0]);
        assert_eq!(text_length("ab漢字"), 6);
    }
}
