//! Character references: `&#NNN;`, `&#xHH;` and the named entities published pages use.

pub(super) fn decode_numeric(num: &[u8]) -> Option<char> {
    let (digits, radix) = match num.first() {
        Some(b'x' | b'X') => (&num[1..], 16),
        _ => (num, 10),
    };
    if digits.is_empty() || digits.len() > 8 {
        return None;
    }
    let s = std::str::from_utf8(digits).ok()?;
    let n = u32::from_str_radix(s, radix).ok()?;
    Some(match n {
        0 => '\u{fffd}',
        // Windows-1252 quirks that pages still use for quotes and dashes
        0x91 => '‘',
        0x92 => '’',
        0x93 => '“',
        0x94 => '”',
        0x96 => '–',
        0x97 => '—',
        _ => char::from_u32(n).unwrap_or('\u{fffd}'),
    })
}

pub(super) fn is_legacy_entity(name: &[u8]) -> bool {
    matches!(name, b"nbsp" | b"amp" | b"lt" | b"gt" | b"quot" | b"copy" | b"reg" | b"NBSP" | b"AMP" | b"LT" | b"GT")
}

pub(super) fn named_entity(name: &[u8]) -> Option<char> {
    Some(match name {
        b"nbsp" | b"NBSP" => '\u{a0}',
        b"amp" | b"AMP" => '&',
        b"lt" | b"LT" => '<',
        b"gt" | b"GT" => '>',
        b"quot" | b"QUOT" => '"',
        b"apos" => '\'',
        b"ensp" => '\u{2002}',
        b"emsp" => '\u{2003}',
        b"thinsp" => '\u{2009}',
        b"zwsp" => '\u{200b}',
        b"zwnj" => '\u{200c}',
        b"zwj" => '\u{200d}',
        b"ldquo" => '“',
        b"rdquo" => '”',
        b"lsquo" => '‘',
        b"rsquo" => '’',
        b"laquo" => '«',
        b"raquo" => '»',
        b"mdash" => '—',
        b"ndash" => '–',
        b"hellip" => '…',
        b"middot" => '·',
        b"bull" => '•',
        b"times" => '×',
        b"divide" => '÷',
        b"plusmn" => '±',
        b"deg" => '°',
        b"permil" => '‰',
        b"yen" => '¥',
        b"copy" => '©',
        b"reg" => '®',
        b"trade" => '™',
        b"sect" => '§',
        b"para" => '¶',
        b"larr" => '←',
        b"rarr" => '→',
        b"uarr" => '↑',
        b"darr" => '↓',
        b"le" => '≤',
        b"ge" => '≥',
        b"ne" => '≠',
        b"minus" => '−',
        b"shy" => '\u{ad}',
        _ => return None,
    })
}
