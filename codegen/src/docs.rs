//! AWS documentation HTML to rustdoc Markdown.
//!
//! The documents use a small HTML dialect: `<p>`, `<code>`, `<a>` with and
//! without `href`, `<note>`, `<important>`, `<ul>`/`<ol>` with `<li>`, `<i>`,
//! `<b>`, `<fullname>`, `<br>`, `<pre>` and entities. Text is escaped so
//! rustdoc sees no HTML, no broken intra-doc links and no bare URLs.

/// Converts documentation HTML to Markdown lines (no `///` prefix).
/// Paragraphs are separated by one empty line; nothing trails.
pub fn to_markdown(html: &str) -> Vec<String> {
    let mut out = Writer::default();
    let mut rest = html;
    while !rest.is_empty() {
        match rest.find('<') {
            Some(0) => {
                // A tag runs to its `>`, or to the end of an unclosed one.
                let (tag, end) = match rest.find('>') {
                    Some(close) => (&rest[1..close], close + 1),
                    None => (&rest[1..], rest.len()),
                };
                out.tag(tag);
                rest = &rest[end..];
            }
            Some(i) => {
                out.text(&decode_entities(&rest[..i]));
                rest = &rest[i..];
            }
            None => {
                out.text(&decode_entities(rest));
                rest = "";
            }
        }
    }
    out.finish()
}

/// Converts documentation HTML to plain text for a terminal: the lines of
/// [`to_markdown`] without escapes, code and emphasis marks, and with links
/// written `text (url)`.
pub fn to_plain_text(html: &str) -> String {
    to_markdown(html).iter().map(|line| decode_entities(&plain_line(line))).collect::<Vec<_>>().join("\n")
}

fn plain_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.extend(chars.next()),
            '`' | '[' | '<' | '>' => {}
            '*' if chars.peek() == Some(&'*') => {
                chars.next();
            }
            ']' if chars.peek() == Some(&'(') => {
                chars.next();
                out.push_str(" (");
            }
            _ => out.push(c),
        }
    }
    out
}

/// What is being collected between an opening and a closing tag.
enum Capture {
    /// `<code>`: becomes a code span.
    Code(String),
    /// `<a href>`: becomes a link; `<a>` without one becomes a code span.
    Link(Option<String>, String),
}

#[derive(Default)]
struct Writer {
    lines: Vec<String>,
    line: String,
    captures: Vec<Capture>,
    list_depth: usize,
    in_pre: bool,
    /// Whether the line holds content, not just an opener (`- `, `**Note:** `)
    /// that a following `<p>` must not break away from its text.
    line_has_content: bool,
}

impl Writer {
    fn tag(&mut self, tag: &str) {
        let closing = tag.starts_with('/');
        let tag = tag.trim_start_matches('/').trim_end_matches('/');
        let (name, attributes) = tag.split_once(char::is_whitespace).unwrap_or((tag, ""));
        match (name.to_ascii_lowercase().as_str(), closing) {
            ("p" | "fullname" | "div" | "dl" | "dt" | "dd", _) => self.paragraph(),
            ("note", false) => self.open_block("**Note:**"),
            ("important", false) => self.open_block("**Important:**"),
            ("note" | "important", true) => self.paragraph(),
            ("ul" | "ol", false) => {
                self.paragraph();
                self.list_depth += 1;
            }
            ("ul" | "ol", true) => {
                self.list_depth = self.list_depth.saturating_sub(1);
                self.paragraph();
            }
            ("li", false) => {
                self.break_line();
                self.line_has_content = false;
                self.line = format!("{}- ", "  ".repeat(self.list_depth.saturating_sub(1)));
            }
            ("br", _) => self.break_line(),
            ("pre", false) => {
                self.paragraph();
                self.lines.push("```text".into());
                self.in_pre = true;
            }
            ("pre", true) => {
                self.break_line();
                self.lines.push("```".into());
                self.in_pre = false;
                self.paragraph();
            }
            ("code", false) if !self.in_pre => self.captures.push(Capture::Code(String::new())),
            ("a", false) => self.captures.push(Capture::Link(href(attributes), String::new())),
            ("code" | "a", true) => self.close_capture(),
            ("i" | "em", _) => self.emphasis("*"),
            ("b" | "strong", _) => self.emphasis("**"),
            _ => {}
        }
    }

    fn text(&mut self, text: &str) {
        if self.in_pre {
            for (i, piece) in text.split('\n').enumerate() {
                if i > 0 {
                    self.break_line();
                }
                self.line.push_str(piece);
            }
            return;
        }
        let collapsed = collapse_whitespace(text);
        if let Some(capture) = self.captures.last_mut() {
            match capture {
                Capture::Code(s) | Capture::Link(_, s) => s.push_str(&collapsed),
            }
            return;
        }
        let at_line_start = !self.line_has_content;
        let escaped = escape_text(if at_line_start { collapsed.trim_start() } else { &collapsed });
        self.push(&escaped);
    }

    fn close_capture(&mut self) {
        let rendered = match self.captures.pop() {
            Some(Capture::Code(code)) => code_span(&code),
            Some(Capture::Link(Some(href), text)) if !text.trim().is_empty() => {
                format!("[{}]({})", escape_text(text.trim()), href.replace(' ', "%20").replace(')', "%29"))
            }
            Some(Capture::Link(_, text)) => code_span(&text),
            None => return,
        };
        match self.captures.last_mut() {
            // Nested (a code span inside a link): keep the plain text.
            Some(Capture::Code(s) | Capture::Link(_, s)) => s.push_str(rendered.trim_matches('`')),
            None => self.push(&rendered),
        }
    }

    fn emphasis(&mut self, marker: &str) {
        if self.captures.is_empty() {
            self.push(marker);
        }
    }

    fn open_block(&mut self, label: &str) {
        self.paragraph();
        self.line.push_str(label);
        self.line.push(' ');
        self.line_has_content = false;
    }

    fn push(&mut self, text: &str) {
        if self.line.is_empty() && text.trim().is_empty() {
            return;
        }
        self.line_has_content |= !text.trim().is_empty();
        self.line.push_str(text);
    }

    /// Ends the line, unless it holds only an opener waiting for its text.
    fn break_line(&mut self) {
        if !self.line_has_content && !self.line.is_empty() {
            return;
        }
        let line = self.line.trim_end().to_owned();
        if !line.trim().is_empty() {
            self.lines.push(line);
        }
        self.line.clear();
        self.line_has_content = false;
    }

    /// Ends the paragraph; inside a list only the line, so lists stay tight.
    fn paragraph(&mut self) {
        self.break_line();
        let open_opener = !self.line.is_empty();
        if self.list_depth == 0 && !open_opener && !self.in_pre && self.lines.last().is_some_and(|l| !l.is_empty()) {
            self.lines.push(String::new());
        }
    }

    fn finish(mut self) -> Vec<String> {
        while let Some(capture) = self.captures.last() {
            let _ = capture;
            self.close_capture();
        }
        if self.in_pre {
            self.break_line();
            self.lines.push("```".into());
        }
        self.line_has_content = true;
        self.break_line();
        while self.lines.last().is_some_and(String::is_empty) {
            self.lines.pop();
        }
        self.lines
    }
}

fn href(attributes: &str) -> Option<String> {
    let start = attributes.find("href=")? + "href=".len();
    let rest = &attributes[start..];
    let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let rest = &rest[1..];
    let value = &rest[..rest.find(quote)?];
    let value = decode_entities(value.trim());
    (!value.is_empty()).then_some(value)
}

fn code_span(code: &str) -> String {
    let code = code.trim();
    if code.is_empty() {
        String::new()
    } else if code.contains('`') {
        format!("`` {code} ``")
    } else {
        format!("`{code}`")
    }
}

fn collapse_whitespace(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last_space = false;
    for c in text.chars() {
        let space = c.is_whitespace() || c == '\u{2028}' || c == '\u{2029}';
        if space {
            if !last_space {
                out.push(' ');
            }
        } else {
            out.push(c);
        }
        last_space = space;
    }
    out
}

/// Escapes Markdown and HTML meta-characters, and wraps bare URLs in `<>`
/// so rustdoc links them instead of warning.
fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for (i, word) in text.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        if let Some(start) = word.find("http://").or_else(|| word.find("https://")) {
            let (before, url) = word.split_at(start);
            let end = url.trim_end_matches(['.', ',', ';', ':', ')', '"', '\'']).len();
            out.push_str(&escape_word(before));
            out.push('<');
            out.push_str(&url[..end]);
            out.push('>');
            out.push_str(&escape_word(&url[end..]));
        } else {
            out.push_str(&escape_word(word));
        }
    }
    out
}

fn escape_word(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    for c in word.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '[' | ']' | '*' | '_' | '`' | '#' | '\\' | '|' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

/// Decodes named and numeric character references; unknown ones stay as text.
pub fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let decoded = rest.find(';').filter(|&end| end <= 10).and_then(|end| {
            let entity = &rest[1..end];
            let c = match entity {
                "lt" => Some('<'),
                "gt" => Some('>'),
                "amp" => Some('&'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some(' '),
                _ => entity
                    .strip_prefix("#x")
                    .or_else(|| entity.strip_prefix("#X"))
                    .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                    .or_else(|| entity.strip_prefix('#').and_then(|dec| dec.parse().ok()))
                    .and_then(char::from_u32),
            };
            c.map(|c| (c, end))
        });
        match decoded {
            Some((c, end)) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::{to_markdown, to_plain_text};

    #[test]
    fn an_unclosed_tag_ending_in_a_wide_character_is_read() {
        // Found by fuzzing: the tag's end was taken one byte before the end
        // of the text, inside the character.
        for html in ["<\u{10a28a}", "text <é", "<", "<p>x<\u{fffd}"] {
            let _ = to_markdown(html);
            let _ = to_plain_text(html);
        }
    }

    fn md(html: &str) -> String {
        to_markdown(html).join("\n")
    }

    #[test]
    fn paragraphs_become_blank_line_separated() {
        assert_eq!(md("<p>One.</p> <p>Two.</p>"), "One.\n\nTwo.");
    }

    #[test]
    fn code_and_links() {
        assert_eq!(md("<p>Use <code>docker</code> now.</p>"), "Use `docker` now.");
        assert_eq!(
            md(r#"see <a href="https://x.example/a b">the guide</a>."#),
            "see [the guide](https://x.example/a%20b)."
        );
        assert_eq!(md("from a previous <a>InitiateLayerUpload</a> call"), "from a previous `InitiateLayerUpload` call");
        assert_eq!(md("<code>a`b</code>"), "`` a`b ``");
    }

    #[test]
    fn notes_lists_and_emphasis() {
        assert_eq!(
            md("<p>Intro</p> <note> <p>Careful.</p> </note> <ul> <li> <p>one</p> </li> <li>two</li> </ul>"),
            "Intro\n\n**Note:** Careful.\n\n- one\n- two"
        );
        assert_eq!(md("the <i>Guide</i> and <b>bold</b>"), "the *Guide* and **bold**");
        assert_eq!(md("<fullname>Amazon ECR</fullname> <p>Text</p>"), "Amazon ECR\n\nText");
    }

    #[test]
    fn plain_text_drops_markdown() {
        let html =
            "<p>Use <code>a_b</code> [x] &amp; <a href=\"https://e.com/d\">the guide</a>.</p><p>See https://e.com.</p>";
        assert_eq!(to_plain_text(html), "Use a_b [x] & the guide (https://e.com/d).\n\nSee https://e.com.");
    }

    #[test]
    fn text_is_escaped_for_rustdoc() {
        assert_eq!(md("a [b] *d* x_y #1 a|b"), r"a \[b\] \*d\* x\_y \#1 a\|b");
        assert_eq!(md("unknown <c>tags</c> are dropped"), "unknown tags are dropped");
        assert_eq!(md("&lt;tag&gt; &amp; &#x2028;next &#39;q&#39;"), r"&lt;tag&gt; &amp; next 'q'");
        assert_eq!(md("visit https://aws.amazon.com/ecr."), "visit <https://aws.amazon.com/ecr>.");
    }

    #[test]
    fn malformed_html_never_panics() {
        for html in ["<", "<p", "</a>", "<a href=\"x", "&#xZZ;", "&", "<code>open", "<pre>x", "<li>", "</ul></ul>"] {
            let _ = to_markdown(html);
        }
        assert_eq!(md("<code>open"), "`open`");
    }
}
