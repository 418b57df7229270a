//! CSV and TSV tables of numbers, as people export them: comma, tab or semicolon separated (found from
//! the first line), an optional header (a first line with a field that is not a number), quotes around
//! a field dropped (a separator inside quotes is not supported), and optionally one column of labels
//! (numbers or names): named or numbered, or found as people expect — a column named like a label
//! (`label`, `class`, `target`, `y`, …), else the only column holding text. Errors name the file, the
//! line and the column.

use crate::error::Result;
use crate::fail;

/// A parsed table: `values` row-major [rows, columns], the label column's entries, and which column
/// that was and why (`label`: its 0-based index, and how it was chosen).
#[derive(Debug, PartialEq)]
pub struct Table {
    pub columns: usize,
    pub header: Option<Vec<String>>,
    pub values: Vec<f32>,
    pub labels: Vec<String>,
    pub label: Option<(usize, &'static str)>,
}

/// Which column holds labels: found (`Auto`), none, by header name, or by 1-based position.
#[derive(Clone, Debug, PartialEq)]
pub enum LabelColumn {
    Auto,
    None,
    Named(String),
    Position(usize),
}

/// Header names that say a column holds labels (compared without case).
const LABEL_NAMES: [&str; 9] = ["label", "labels", "class", "classes", "target", "targets", "y", "category", "species"];

/// The label column found in a table `width` columns wide with this header and these rows: one named
/// like a label, else the only column all of whose entries are text (none when two or more are; a
/// column of numbers with a stray word in it stays numbers, and the word an error).
fn found_label<'a>(
    header: Option<&[String]>,
    width: usize,
    rows: impl Iterator<Item = Vec<&'a str>>,
) -> Option<(usize, &'static str)> {
    let named = header.and_then(|h| h.iter().position(|c| LABEL_NAMES.contains(&c.to_lowercase().as_str())));
    if let Some(i) = named {
        return Some((i, "named like a label"));
    }
    let mut text = vec![true; width];
    for row in rows {
        for (t, field) in text.iter_mut().zip(&row) {
            *t &= field.parse::<f32>().is_err();
        }
    }
    let mut columns = text.iter().enumerate().filter(|(_, &t)| t).map(|(i, _)| i);
    match (columns.next(), columns.next()) {
        (Some(i), None) => Some((i, "the only column of text")),
        _ => None,
    }
}

fn separator(first_line: &str) -> char {
    [',', '\t', ';'].into_iter().max_by_key(|&c| first_line.matches(c).count()).unwrap_or(',')
}

fn fields(line: &str, sep: char) -> Vec<&str> {
    line.split(sep).map(|f| f.trim().trim_matches('"').trim()).collect()
}

/// Parses `text` (the contents of file `name`) with its label column as `label` says.
pub fn parse(name: &str, text: &str, label: &LabelColumn) -> Result<Table> {
    let mut lines = text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()).peekable();
    let Some(&(first_index, first)) = lines.peek() else { fail!("{name} is empty: no rows of values") };
    let sep = separator(first);
    let first_fields = fields(first, sep);
    // A header: every field a name, or a name above a number (a column of label names is no header).
    let second: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).nth(1).map_or(Vec::new(), |l| fields(l, sep));
    let number = |f: &&str| f.parse::<f32>().is_ok();
    let named_above_number = first_fields.iter().zip(&second).any(|(a, b)| !number(a) && number(b));
    let header = (first_fields.iter().all(|f| !number(f)) || named_above_number).then(|| {
        lines.next();
        first_fields.iter().map(|f| f.to_string()).collect::<Vec<_>>()
    });
    let width = first_fields.len();
    let label = match label {
        LabelColumn::None => None,
        LabelColumn::Auto => {
            found_label(header.as_deref(), first_fields.len(), lines.clone().map(|(_, l)| fields(l, sep)))
        }
        LabelColumn::Position(p) if (1..=width).contains(p) => Some((p - 1, "chosen")),
        LabelColumn::Position(p) => fail!("{name}: there is no column {p} for labels (the table has {width})"),
        LabelColumn::Named(wanted) => match header.as_ref().and_then(|h| h.iter().position(|c| c == wanted)) {
            Some(i) => Some((i, "chosen")),
            None => {
                fail!("{name}: no column named {wanted:?} for labels (the header is {:?})", header.unwrap_or_default())
            }
        },
    };
    let label_index = label.map(|(i, _)| i);
    let columns = width - usize::from(label_index.is_some());
    if columns == 0 {
        fail!("{name}: no columns of values are left besides the labels");
    }
    let mut table = Table { columns, header, values: Vec::new(), labels: Vec::new(), label };
    for (index, line) in lines {
        let line_number = index + 1;
        let row = fields(line, sep);
        if row.len() != width {
            fail!("{name} line {line_number}: {} values, but line {} has {width}", row.len(), first_index + 1);
        }
        for (column, field) in row.iter().enumerate() {
            if Some(column) == label_index {
                table.labels.push(field.to_string());
                continue;
            }
            let Ok(value) = field.parse::<f32>() else {
                fail!("{name} line {line_number}, column {}: {field:?} is not a number", column + 1);
            };
            if !value.is_finite() {
                fail!(
                    "{name} line {line_number}, column {}: {field} is not allowed (a missing value? remove or fill the row)",
                    column + 1
                );
            }
            table.values.push(value);
        }
    }
    if table.values.is_empty() {
        fail!("{name}: a header but no rows of values");
    }
    Ok(table)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_headers_separators_quotes_and_labels() {
        let t = parse("a.csv", "x,y,kind\n1,2,cat\n3,4.5,dog\n", &LabelColumn::Named("kind".into())).unwrap();
        assert_eq!((t.columns, t.values, t.labels), (2, vec![1.0, 2.0, 3.0, 4.5], vec!["cat".into(), "dog".into()]));
        let t = parse("a.tsv", "1\t2\n\n3\t4\n", &LabelColumn::Auto).unwrap();
        assert_eq!((t.header, t.values), (None, vec![1.0, 2.0, 3.0, 4.0]));
        let t = parse("a.csv", "\"1\";\"2\"\n", &LabelColumn::Position(1)).unwrap();
        assert_eq!((t.columns, t.values, t.labels), (1, vec![2.0], vec!["1".into()]));
        // Label names in the first row are data, not a header.
        let t = parse("a.csv", "1,2,cat\n3,4,dog\n", &LabelColumn::Position(3)).unwrap();
        assert_eq!((t.header, t.labels.len()), (None, 2));
    }

    #[test]
    fn bad_tables_are_named_with_line_and_column() {
        let message = |text: &str| parse("d.csv", text, &LabelColumn::None).unwrap_err().message;
        assert_eq!(message(""), "d.csv is empty: no rows of values");
        assert_eq!(message("1,2\n3,4\n5\n"), "d.csv line 3: 1 values, but line 1 has 2");
        assert_eq!(message("a,b\n1,2\n3,x\n"), "d.csv line 3, column 2: \"x\" is not a number");
        assert!(message("1,2\nNaN,4\n").starts_with("d.csv line 2, column 1: NaN is not allowed"));
        assert_eq!(message("a,b\n"), "d.csv: a header but no rows of values");
        let err = parse("d.csv", "a,b\n1,2\n", &LabelColumn::Named("c".into())).unwrap_err();
        assert!(err.message.contains("no column named \"c\""), "{err}");
    }
}
