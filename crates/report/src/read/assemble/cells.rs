//! Cells: a printed cell as a value (numbers, dashes, blanks, amounts with a unit).

use gongkai_domain::report::{Decimal, Value};
use crate::read::decode::is_blank;

/// A cell or paragraph without surrounding blanks and `&nbsp;` entities.
pub fn trim_cell(s: &str) -> &str {
    // Most cells start and end with a visible ASCII character or a CJK ideograph (UTF-8 lead
    // bytes E4-E9): nothing to trim, and no need to decode characters.
    let b = s.as_bytes();
    let (Some(&f), Some(&l)) = (b.first(), b.last()) else { return s };
    let clean_start = (f.is_ascii_graphic() && f != b'&') || (0xE4..=0xE9).contains(&f);
    let clean_end = (l.is_ascii_graphic() && l != b';') || (l >= 0x80 && s.ends_with(|c: char| !is_blank(c)));
    if clean_start && clean_end {
        return s;
    }
    let mut t = s.trim_matches(is_blank);
    loop {
        let before = t.len();
        for e in ["&nbsp;", "&#160;"] {
            t = t.strip_prefix(e).unwrap_or(t).trim_start_matches(is_blank);
            t = t.strip_suffix(e).unwrap_or(t).trim_end_matches(is_blank);
        }
        if t.len() == before {
            return t;
        }
    }
}

/// A cell printed as a dash or 无: blank for the arithmetic (the checker reports BLANK_CELL).
pub(crate) fn is_dash(t: &str) -> bool {
    matches!(t, "—" | "——" | "-" | "--" | "－" | "–" | "―" | "/" | "／" | "\\" | "无" | "空" | "…" | "……" | "_")
}

/// A number as printed: ASCII or full-width digits, optional sign (incl. U+2212), decimal point,
/// thousands separators.
fn parse_number(t: &str) -> Option<Decimal> {
    // the common case: a plain count
    if !t.is_empty() && t.len() <= 18 && t.bytes().all(|b| b.is_ascii_digit()) {
        return t.parse::<i64>().ok().map(Decimal::from_int);
    }
    if t.is_ascii() {
        let b = t.as_bytes();
        if !b.first().is_some_and(|c| c.is_ascii_digit() || matches!(c, b'-' | b'+')) {
            return None;
        }
        return t.parse().ok();
    }
    // a label, not a number: reject it before copying anything
    if !t.starts_with(|c: char| c.is_ascii_digit() || matches!(c, '０'..='９' | '－' | '−' | '＋' | '-' | '+'))
        || !t.chars().all(|c| c.is_ascii() || matches!(c, '０'..='９' | '．' | '，' | '－' | '−' | '＋'))
    {
        return None;
    }
    let mut s = String::with_capacity(t.len());
    for c in t.chars() {
        match c {
            '０'..='９' => s.push(char::from_u32(c as u32 - 0xFEE0)?),
            '．' => s.push('.'),
            '，' => s.push(','),
            '－' | '−' => s.push('-'),
            '＋' => s.push('+'),
            c if c.is_ascii() => s.push(c),
            _ => return None,
        }
    }
    parse_number(&s)
}

/// The value of a data cell as printed.
pub fn parse_value(raw: &str) -> Value {
    let t = trim_cell(raw);
    if t.is_empty() || is_dash(t) {
        return Value::Blank;
    }
    if t.len() <= 18
        && t.bytes().all(|b| b.is_ascii_digit())
        && let Ok(n) = t.parse::<i64>()
    {
        return Value::Int(n);
    }
    match parse_number(t) {
        Some(d) => Value::from_decimal(d),
        None => Value::Unreadable(t.to_owned()),
    }
}

/// An amount followed by its unit (`75394432.52元`, `1.25 万元`): the number and the unit.
pub(crate) fn amount_with_unit(t: &str) -> Option<(Decimal, &'static str)> {
    let (rest, unit) = match t.strip_suffix("万元") {
        Some(r) => (r, "万元"),
        None => (t.strip_suffix('元')?, "元"),
    };
    parse_number(rest.trim_end_matches(is_blank)).map(|d| (d, unit))
}

/// Whether a non-empty cell reads as a value (a number or a dash).
pub(crate) fn value_like(t: &str) -> bool {
    !t.is_empty() && (is_dash(t) || parse_number(t).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_parse_as_printed() {
        assert_eq!(parse_value("12"), Value::Int(12));
        assert_eq!(parse_value(" ０ "), Value::Int(0));
        assert_eq!(parse_value("-185"), Value::Int(-185));
        assert_eq!(parse_value("—"), Value::Blank);
        assert_eq!(parse_value("&nbsp;"), Value::Blank);
        assert_eq!(parse_value("96171.6"), Value::Dec("96171.6".parse().unwrap()));
        assert_eq!(parse_value("5件"), Value::Unreadable("5件".into()));
    }

}
