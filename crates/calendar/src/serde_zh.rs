//! serde's parse errors in Chinese. serde_json and serde_yaml describe a bad value in English
//! ("invalid type: integer `1`, expected a sequence", "unknown variant `x`, expected one of …",
//! "trailing comma"); a clerk reads these messages, so every file format the tool reads (calendar
//! YAML, deadline timelines, JSON files) translates them here, in the lowest crate that parses
//! any. The position (line, column) is reported by the caller; a message this module does not
//! know becomes a general Chinese description, never the English text.

/// A serde (serde_json or serde_yaml) error message in Chinese, without its position.
///
/// ```
/// use gongkai_calendar::serde_message_zh;
/// assert_eq!(serde_message_zh("trailing comma at line 1 column 9"), "多余的逗号");
/// assert_eq!(
///     serde_message_zh("years.2030.holidays[0]: invalid type: integer `1`, expected struct HolidayEntry at line 3 column 16"),
///     "years.2030.holidays[0]：类型不对，此处是整数 1，应为一组字段（HolidayEntry）"
/// );
/// assert_eq!(
///     serde_message_zh("unknown variant `foo`, expected one of `a`, `b`"),
///     "无法识别的取值“foo”（可用：a、b）"
/// );
/// ```
pub fn serde_message_zh(message: &str) -> String {
    // serde_json ends with " at line L column C"; serde_yaml with the same, sometimes followed by
    // ", while parsing …". The caller names the place.
    let msg = message.split(" at line ").next().unwrap_or(message).trim();
    // serde_yaml puts the path of the value first: `years.2030.holidays[0]: …`.
    let (path, body) = match msg.split_once(": ") {
        Some((p, rest)) if !p.contains(' ') && !p.is_empty() => (Some(p), rest),
        _ => (None, msg),
    };
    let text = translate(body);
    match path {
        Some(p) => format!("{p}：{text}"),
        None => text,
    }
}

/// The column a person counts (characters) of a parser's byte column (serde_json counts bytes:
/// a line of Chinese text would be reported three times too far to the right).
///
/// ```
/// assert_eq!(gongkai_calendar::char_column("{\n\"说明\": 1,}", 2, 12), 8);
/// ```
pub fn char_column(text: &str, line: usize, byte_column: usize) -> usize {
    let Some(l) = text.split('\n').nth(line.saturating_sub(1)) else { return byte_column };
    let end = byte_column.saturating_sub(1).min(l.len());
    let mut cut = end;
    while !l.is_char_boundary(cut) {
        cut -= 1;
    }
    l[..cut].chars().count() + 1 + usize::from(cut < end)
}

fn translate(m: &str) -> String {
    if let Some(rest) = m.strip_prefix("missing field ") {
        return format!("缺少字段“{}”", unquote(rest));
    }
    if let Some(rest) = m.strip_prefix("duplicate field ") {
        return format!("字段“{}”重复", unquote(rest));
    }
    if let Some(rest) = m.strip_prefix("unknown field ") {
        let (name, expected) = rest.split_once(", ").unwrap_or((rest, ""));
        return format!("未知字段“{}”{}", unquote(name), choices(expected, "可用的字段"));
    }
    if let Some(rest) = m.strip_prefix("unknown variant ") {
        let (name, expected) = rest.split_once(", ").unwrap_or((rest, ""));
        return format!("无法识别的取值“{}”{}", unquote(name), choices(expected, "可用"));
    }
    if let Some(rest) = m.strip_prefix("invalid type: ") {
        let (found, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
        return format!("类型不对，此处是{}，应为{}", unexpected(found), expected_zh(expected));
    }
    if let Some(rest) = m.strip_prefix("invalid value: ") {
        let (found, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
        return format!("取值无效：{}，应为{}", unexpected(found), expected_zh(expected));
    }
    if let Some(rest) = m.strip_prefix("invalid length ") {
        let (n, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
        return format!("项数不对：有 {n} 项，应为{}", expected_zh(expected));
    }
    syntax(m)
}

/// Messages of the parsers themselves (serde_json's syntax errors, libyaml's scanner errors).
fn syntax(m: &str) -> String {
    let starts = |p: &str| m.starts_with(p);
    if starts("trailing comma") {
        "多余的逗号".into()
    } else if starts("EOF while parsing") || starts("end of stream") || starts("unexpected end") {
        "内容在中途结束（不完整）".into()
    } else if starts("key must be a string") {
        "键必须是带双引号的字符串".into()
    } else if starts("trailing characters") {
        "结束后还有多余的内容".into()
    } else if starts("control character") || starts("invalid escape") || starts("invalid unicode") {
        "字符串中有无效的字符或转义".into()
    } else if starts("invalid number") || starts("number out of range") {
        "数字无效或超出范围".into()
    } else if starts("recursion limit exceeded") {
        "嵌套层数过多".into()
    } else if m.contains("indentation") || m.contains("mapping values are not allowed") {
        "缩进或冒号有误（YAML 用空格缩进表示层级，冒号后须有空格）".into()
    } else if starts("did not find expected") || starts("found") || m.contains("while parsing") || m.contains("while scanning") {
        "YAML 语法错误（括号、引号未配对，或缩进、冒号有误）".into()
    } else if starts("expected") {
        "此处缺少应有的标点或值（如冒号、逗号、括号）".into()
    } else if starts("duplicate entry") || starts("duplicate key") {
        "键重复".into()
    } else if !m.is_ascii() {
        // One of our own deserializers' messages: already Chinese.
        m.to_owned()
    } else {
        "内容与要求的格式不符".into()
    }
}

/// `` `name` `` → `name`.
fn unquote(s: &str) -> &str {
    s.trim().trim_matches('`')
}

/// serde's list of allowed names ("expected `a` or `b`", "expected one of `a`, `b`", "there are
/// no fields") as `（label：a、b）`.
fn choices(expected: &str, label: &str) -> String {
    let names: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    if names.is_empty() { String::new() } else { format!("（{label}：{}）", names.join("、")) }
}

/// serde's `Unexpected` as it prints: "integer `1`", "string \"x\"", "sequence" …
fn unexpected(found: &str) -> String {
    let value = |rest: &str| rest.trim().trim_matches('`').trim_matches('"').to_owned();
    for (en, zh) in [("boolean ", "布尔值 "), ("integer ", "整数 "), ("floating point ", "小数 "), ("character ", "字符 ")] {
        if let Some(rest) = found.strip_prefix(en) {
            return format!("{zh}{}", value(rest));
        }
    }
    if let Some(rest) = found.strip_prefix("string ") {
        return format!("字符串“{}”", value(rest));
    }
    match found {
        "sequence" => "列表".into(),
        "map" => "一组字段".into(),
        "unit value" | "null" | "unit" => "空值".into(),
        "Option value" => "可选值".into(),
        "byte array" => "字节串".into(),
        "enum" | "unit variant" | "newtype variant" | "tuple variant" | "struct variant" => "一个取值".into(),
        "newtype struct" => "一个值".into(),
        _ => "其他类型的值".into(),
    }
}

/// serde's `Expected` (a visitor's `expecting`): the common ones in Chinese.
fn expected_zh(expected: &str) -> String {
    let e = expected.trim();
    if let Some(name) = e.strip_prefix("struct ") {
        return format!("一组字段（{name}）");
    }
    if e.starts_with("a sequence") || e.starts_with("a tuple") || e.starts_with("tuple") || e.starts_with("an array") {
        return "列表".into();
    }
    if e.starts_with("a map") {
        return "一组字段".into();
    }
    if e.contains("date") {
        return "日期（YYYY-MM-DD）".into();
    }
    match e {
        "a string" | "a borrowed string" | "string" => "字符串".into(),
        "a boolean" | "bool" => "true 或 false".into(),
        "u8" | "u16" | "u32" | "u64" | "usize" | "i8" | "i16" | "i32" | "i64" | "isize" | "an integer" => "整数".into(),
        "f32" | "f64" | "a number" => "数字".into(),
        "a character" | "a char" => "一个字符".into(),
        "unit" => "空值".into(),
        _ if e.starts_with("variant identifier") || e.starts_with("enum") || e.starts_with("one of") => "规定的取值之一".into(),
        _ if e.starts_with("a nonzero") => "非零数字".into(),
        _ => "规定的格式".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::serde_message_zh as zh;

    #[test]
    fn serde_json_and_serde_yaml_messages_come_out_in_chinese() {
        assert_eq!(zh("trailing comma at line 1 column 52"), "多余的逗号");
        assert_eq!(zh("invalid type: integer `1`, expected a sequence at line 1 column 2"), "类型不对，此处是整数 1，应为列表");
        assert_eq!(zh("invalid type: string \"x\", expected u32"), "类型不对，此处是字符串“x”，应为整数");
        assert_eq!(zh("unknown field `a`, expected `meta` or `years` at line 1 column 2"), "未知字段“a”（可用的字段：meta、years）");
        assert_eq!(zh("unknown field `a`, there are no fields"), "未知字段“a”");
        assert_eq!(zh("missing field `date`"), "缺少字段“date”");
        assert_eq!(zh("EOF while parsing a list at line 1 column 4"), "内容在中途结束（不完整）");
        assert_eq!(
            zh("did not find expected ',' or ']' at line 4 column 1, while parsing a flow sequence at line 3 column 15"),
            "YAML 语法错误（括号、引号未配对，或缩进、冒号有误）"
        );
        assert_eq!(zh("years.2030: invalid length 3, expected a tuple of size 2"), "years.2030：项数不对：有 3 项，应为列表");
        assert_eq!(zh("something nobody foresaw"), "内容与要求的格式不符");
        assert_eq!(zh("日期无效：“2025-13-02”"), "日期无效：“2025-13-02”");
        assert_eq!(zh("invalid value: integer `-1`, expected u32"), "取值无效：整数 -1，应为整数");
        assert_eq!(zh("duplicate field `type`"), "字段“type”重复");
        assert_eq!(zh("recursion limit exceeded"), "嵌套层数过多");
    }
}
