//! The AWS CLI's table renderer (`awscli/table.py`: `MultiTable`,
//! `Section`, `Styler`), ported line for line so tables match byte for
//! byte: column widths scaled to the widest section, sections indented by
//! their depth, and single-row sections turned vertical when the table is
//! wider than the terminal.

use super::width::text_length;

/// ANSI codes of colorama's `Style.RESET_ALL`, `BRIGHT`, `DIM`, `Fore.BLUE`
/// and `Fore.YELLOW`.
const RESET: &str = "\x1b[0m";
const ROW_STYLE: &str = "\x1b[1m\x1b[34m";
const INDENT_STYLE: &str = "\x1b[2m\x1b[33m";

/// One titled block of a table: optional column headers, then rows.
#[derive(Debug, Default, Clone)]
pub struct Section {
    title: String,
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
    indent_level: usize,
    num_cols: Option<usize>,
    max_widths: Vec<usize>,
}

impl Section {
    fn calculate_column_widths(&self, padding: usize, max_width: Option<usize>) -> Vec<usize> {
        let unscaled: Vec<usize> = self.max_widths.iter().map(|w| w + padding).collect();
        let Some(max_width) = max_width else { return unscaled };
        if unscaled.is_empty() {
            return unscaled;
        }
        let scale_factor = max_width as f64 / unscaled.iter().sum::<usize>() as f64;
        // Python's round(): halves to even.
        let mut scaled: Vec<i64> =
            unscaled.iter().map(|w| (scale_factor * *w as f64).round_ties_even() as i64).collect();
        let mut off_by = scaled.iter().sum::<i64>() - max_width as i64;
        while off_by != 0 {
            let order: Vec<usize> =
                if off_by < 0 { (0..scaled.len()).rev().collect() } else { (0..scaled.len()).collect() };
            for i in order {
                if off_by > 0 {
                    scaled[i] -= 1;
                    off_by -= 1;
                } else {
                    scaled[i] += 1;
                    off_by += 1;
                }
                if off_by == 0 {
                    break;
                }
            }
        }
        scaled.into_iter().map(|w| w.max(0) as usize).collect()
    }

    fn total_width(&self, padding: usize, with_border: bool, outer_padding: usize) -> usize {
        let border_padding = 2;
        let mut total: usize = self.calculate_column_widths(0, None).iter().map(|w| w + padding).sum();
        if with_border {
            total += border_padding;
        }
        total += outer_padding * 2;
        (text_length(&self.title) + border_padding + outer_padding * 2).max(total)
    }

    fn add_header(&mut self, headers: Vec<String>) {
        self.update_max_widths(&headers);
        self.num_cols.get_or_insert(headers.len());
        self.headers = headers;
    }

    fn add_row(&mut self, row: Vec<String>) -> Result<(), String> {
        let num_cols = *self.num_cols.get_or_insert(row.len());
        if row.len() != num_cols {
            return Err(format!("Row should have {num_cols} elements, instead it has {}", row.len()));
        }
        self.update_max_widths(&row);
        self.rows.push(row);
        Ok(())
    }

    fn update_max_widths(&mut self, row: &[String]) {
        if self.max_widths.is_empty() {
            self.max_widths = row.iter().map(|e| text_length(e)).collect();
        } else {
            for (width, element) in self.max_widths.iter_mut().zip(row) {
                *width = (*width).max(text_length(element));
            }
        }
    }
}

/// Sections rendered as one table.
#[derive(Debug, Default)]
pub struct MultiTable {
    sections: Vec<Section>,
}

impl MultiTable {
    /// Starts a section titled `title` at depth `indent_level`.
    pub fn new_section(&mut self, title: &str, indent_level: usize) {
        self.sections.push(Section { title: title.to_owned(), indent_level, ..Section::default() });
    }

    /// Sets the current section's column headers.
    pub fn add_row_header(&mut self, headers: Vec<String>) {
        if let Some(section) = self.sections.last_mut() {
            section.add_header(headers);
        }
    }

    /// Adds a row to the current section; every row of a section has as
    /// many cells as its first.
    pub fn add_row(&mut self, row: Vec<String>) -> Result<(), String> {
        match self.sections.last_mut() {
            Some(section) => section.add_row(row),
            None => Ok(()),
        }
    }

    /// The table, `terminal_width` columns wide at most before single-row
    /// sections turn vertical; `colorized` as the AWS CLI colours a
    /// terminal's (colorama resets after every write).
    pub fn render(mut self, terminal_width: usize, colorized: bool) -> String {
        let mut out = Stream { text: String::new(), reset_after_writes: colorized };
        let Some(mut max_width) = self.max_width() else { return out.text };
        if max_width > terminal_width {
            self.convert_to_vertical_table();
            max_width = self.max_width().unwrap_or(max_width);
        }
        out.write(&format!("{}\n", "-".repeat(max_width)));
        let styler = Styler { colorized };
        for section in &self.sections {
            render_section(section, max_width, &styler, &mut out);
        }
        out.text
    }

    fn max_width(&self) -> Option<usize> {
        self.sections.iter().map(|s| s.total_width(4, true, s.indent_level)).max()
    }

    /// Every section of one row under headers becomes header/value rows.
    fn convert_to_vertical_table(&mut self) {
        for section in &mut self.sections {
            if section.rows.len() == 1 && !section.headers.is_empty() {
                let mut vertical =
                    Section { title: section.title.clone(), indent_level: section.indent_level, ..Section::default() };
                for (header, element) in section.headers.iter().zip(&section.rows[0]) {
                    // Two cells each: cannot mismatch.
                    let _ = vertical.add_row(vec![header.clone(), element.clone()]);
                }
                *section = vertical;
            }
        }
    }
}

/// The output and how each write ends: colorama's `autoreset` wrapper
/// writes a reset after every write, empty ones included.
struct Stream {
    text: String,
    reset_after_writes: bool,
}

impl Stream {
    fn write(&mut self, text: &str) {
        self.text.push_str(text);
        if self.reset_after_writes {
            self.text.push_str(RESET);
        }
    }

    /// `IndentedStream.write`: the indent characters, then the line, then
    /// the indent characters again before its newline.
    fn write_indented(&mut self, indent: &str, text: &str) {
        self.write(indent);
        match text.strip_suffix('\n') {
            Some(line) => {
                self.write(line);
                self.write(indent);
                self.write("\n");
            }
            None => self.write(text),
        }
    }
}

struct Styler {
    colorized: bool,
}

impl Styler {
    fn row_element(&self, text: &str) -> String {
        if self.colorized {
            format!("{ROW_STYLE}{text}{RESET}")
        } else {
            text.to_owned()
        }
    }

    fn indentation_char(&self) -> String {
        if self.colorized {
            format!("{INDENT_STYLE}|{RESET}")
        } else {
            "|".to_owned()
        }
    }
}

fn render_section(section: &Section, max_width: usize, styler: &Styler, out: &mut Stream) {
    let indent = styler.indentation_char().repeat(section.indent_level);
    let max_width = max_width.saturating_sub(section.indent_level * 2);
    if !section.title.is_empty() {
        let title = center_text(&section.title, max_width, "|", "|", text_length(&section.title));
        out.write_indented(&indent, &format!("{title}\n"));
        if section.headers.is_empty() && section.rows.is_empty() {
            out.write_indented(&indent, &format!("+{}+\n", "-".repeat(max_width.saturating_sub(2))));
        }
    }
    if !section.headers.is_empty() {
        let widths = section.calculate_column_widths(4, Some(max_width));
        let mut line = String::new();
        for (i, (width, header)) in widths.iter().zip(&section.headers).enumerate() {
            line += &center_text(header, *width, if i == 0 { "|" } else { "" }, "|", text_length(header));
        }
        out.write_indented(&indent, &line_break(&widths));
        out.write_indented(&indent, &format!("{line}\n"));
    }
    if section.rows.is_empty() {
        return;
    }
    let widths = section.calculate_column_widths(4, Some(max_width));
    if widths.is_empty() {
        return;
    }
    out.write_indented(&indent, &line_break(&widths));
    for row in &section.rows {
        let mut line = String::new();
        for (i, (width, element)) in widths.iter().zip(row).enumerate() {
            let styled = styler.row_element(element);
            line += &align_left(&styled, *width, if i == 0 { "|" } else { "" }, "|", text_length(element));
        }
        out.write_indented(&indent, &format!("{line}\n"));
    }
    out.write_indented(&indent, &line_break(&widths));
}

/// `+-------+---------+`
fn line_break(widths: &[usize]) -> String {
    let mut line = String::new();
    for (i, width) in widths.iter().enumerate() {
        if i == 0 {
            line += &format!("+{}+", "-".repeat(width.saturating_sub(2)));
        } else {
            line += &format!("{}+", "-".repeat(width.saturating_sub(1)));
        }
    }
    line + "\n"
}

/// Python's `' ' * n`: nothing for a negative `n`.
fn spaces(n: i64) -> String {
    " ".repeat(n.max(0) as usize)
}

fn center_text(text: &str, length: usize, left_edge: &str, right_edge: &str, text_length: usize) -> String {
    let (length, text_len) = (length as i64, text_length as i64);
    // Python's floor division.
    let char_start = length.div_euclid(2) - text_len.div_euclid(2) - 1;
    let length_so_far = super::width::text_length(left_edge) as i64 + char_start + text_len;
    let right_side_spaces = length - super::width::text_length(right_edge) as i64 - length_so_far;
    format!("{left_edge}{}{text}{}{right_edge}", spaces(char_start), spaces(right_side_spaces))
}

fn align_left(text: &str, length: usize, left_edge: &str, right_edge: &str, text_length: usize) -> String {
    let left_padding = 2;
    let computed =
        text_length + left_padding + super::width::text_length(left_edge) + super::width::text_length(right_edge);
    let padding = if length >= computed { left_padding } else { 0 };
    let length_so_far = (left_edge.chars().count() + padding + text_length) as i64;
    let trailing = length as i64 - length_so_far - right_edge.chars().count() as i64;
    format!("{left_edge}{}{text}{}{right_edge}", " ".repeat(padding), spaces(trailing))
}
