//! Bytes → text. Government sites still publish GBK/GB18030 without declaring it, Word exports
//! carry BOMs, and people point the tool at the wrong file: decide in one linear pass.
//!
//! Order: size limit; BOM (UTF-8, UTF-16LE, UTF-16BE); a declared charset (HTML `<meta>`, HTTP);
//! BOM-less UTF-16 (NUL on every other byte); binary junk (NUL or many control bytes); valid
//! UTF-8 (borrowed, no copy); otherwise GB18030, the superset of GBK and GB2312.

use std::borrow::Cow;

use encoding_rs::{Encoding, GB18030, UTF_16BE, UTF_16LE, UTF_8};

use super::error::ReadError;

/// The largest input the readers accept: 64 MiB. A real report is well under 1 MB (a PDF a few
/// MB); anything bigger is the wrong file, and refusing it keeps every reader's time bounded.
pub const MAX_INPUT: usize = 64 * 1024 * 1024;

/// Reject inputs above [`MAX_INPUT`].
pub fn check_size(len: usize) -> Result<(), ReadError> {
    if len > MAX_INPUT {
        return Err(ReadError::TooLarge { size: len as u64, limit: MAX_INPUT as u64 });
    }
    Ok(())
}

/// Decode `bytes` to text. `declared` is a charset label from the container (e.g. `gbk`,
/// `utf-8`, `gb2312`); a BOM wins over it, an unknown label is ignored.
///
/// Errors: [`ReadError::TooLarge`], [`ReadError::Empty`] (nothing but whitespace),
/// [`ReadError::Binary`] (NUL bytes or more than 1% control bytes), [`ReadError::Encoding`]
/// (more than 1% of the text undecodable).
pub fn decode<'a>(bytes: &'a [u8], declared: Option<&str>) -> Result<Cow<'a, str>, ReadError> {
    check_size(bytes.len())?;
    if bytes.is_empty() {
        return Err(ReadError::Empty);
    }
    let text = if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        decode_with(enc, &bytes[bom_len..])?
    } else if let Some(enc) = declared.and_then(|l| Encoding::for_label(l.trim().as_bytes())) {
        // A declared UTF-16 without BOM is rare; encoding_rs maps the label correctly anyway.
        check_binary(bytes, enc == UTF_16LE || enc == UTF_16BE)?;
        decode_with(enc, bytes)?
    } else if let Some(enc) = sniff_utf16(bytes) {
        decode_with(enc, bytes)?
    } else {
        check_binary(bytes, false)?;
        match utf8(bytes) {
            Some(s) => Cow::Borrowed(s),
            None => decode_with(GB18030, bytes)?,
        }
    };
    if text.chars().all(is_blank) {
        return Err(ReadError::Empty);
    }
    Ok(fold_digits(text))
}

/// Full-width digits (`２１７`, typed with a Chinese input method's full-width mode) as ASCII
/// digits, and a full-width point between digits (`１８６５１．０６`) as `.`, so that every reader
/// and every check of numbers in the narrative reads them as numbers. Nothing else changes; text
/// without full-width digits is returned as it is.
fn fold_digits(text: Cow<'_, str>) -> Cow<'_, str> {
    // ０..９ are U+FF10..U+FF19: EF BC 90..99 in UTF-8
    let b = text.as_bytes();
    let is_digit_at = |i: usize| b.get(i + 2).is_some_and(|c| (0x90..=0x99).contains(c));
    if !memchr::memmem::find_iter(b, b"\xEF\xBC").any(is_digit_at) {
        return text;
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '０'..='９' => out.push(char::from_digit(u32::from(c) - 0xFF10, 10).unwrap_or(c)),
            '．' if out.ends_with(|p: char| p.is_ascii_digit()) && chars.peek().is_some_and(|n| n.is_ascii_digit() || matches!(n, '０'..='９')) => out.push('.'),
            _ => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Whitespace as reports use it: ASCII and Unicode spaces, U+3000, NBSP, zero-width characters.
#[inline]
pub fn is_blank(c: char) -> bool {
    // `char::is_whitespace` spelled out (it consults a Unicode table for every non-ASCII
    // character, and this runs on every character of a report), plus the invisible ones.
    if c.is_ascii() {
        matches!(c, ' ' | '\t'..='\r')
    } else {
        matches!(
            c,
            '\u{85}' | '\u{A0}' | '\u{1680}' | '\u{2000}'..='\u{200D}' | '\u{2028}' | '\u{2029}' | '\u{202F}' | '\u{205F}' | '\u{3000}' | '\u{FEFF}'
        )
    }
}

/// `s` without leading and trailing blanks ([`is_blank`]); most texts have none, and are
/// returned after looking at two bytes.
#[inline]
pub fn trim_blank(s: &str) -> &str {
    let b = s.as_bytes();
    let visible = |x: u8| x.is_ascii_graphic() || (0xE4..=0xE9).contains(&x);
    match (b.first(), b.last()) {
        (None, _) => s,
        (Some(&f), Some(&l)) if visible(f) && (l.is_ascii_graphic() || (l >= 0x80 && !s.ends_with(is_blank))) => s,
        _ => s.trim_matches(is_blank),
    }
}

fn decode_with<'a>(enc: &'static Encoding, bytes: &'a [u8]) -> Result<Cow<'a, str>, ReadError> {
    if enc == UTF_8 {
        // Keep the zero-copy path for valid UTF-8 after a BOM.
        if let Some(s) = utf8(bytes) {
            return Ok(Cow::Borrowed(s));
        }
    }
    let (text, had_errors) = enc.decode_without_bom_handling(bytes);
    if had_errors {
        let bad = text.chars().filter(|&c| c == '\u{FFFD}').count();
        let total = text.chars().count().max(1);
        if bad * 100 > total {
            return Err(ReadError::Encoding {
                detail: format!("按 {} 解码时有 {bad} 处无效字节（共 {total} 个字符）", enc.name()),
            });
        }
    }
    if text.contains('\0') {
        return Err(ReadError::Binary { detail: "解码后的文字中含有 NUL 字符".to_owned() });
    }
    Ok(text)
}

/// `bytes` as text when they are valid UTF-8, borrowed. encoding_rs validates with SIMD
/// (simdutf8, AVX2 or SSE 4.2 chosen at run time): several times faster than
/// `std::str::from_utf8` on CJK text, which the standard library checks character by character.
fn utf8(bytes: &[u8]) -> Option<&str> {
    match UTF_8.decode_without_bom_handling_and_without_replacement(bytes)? {
        Cow::Borrowed(s) => Some(s),
        // encoding_rs only ever borrows valid UTF-8; were that to change, a copy is still right
        Cow::Owned(_) => std::str::from_utf8(bytes).ok(),
    }
}

/// BOM-less UTF-16: in CJK or ASCII text one byte of most pairs is 0 for ASCII; demand that at
/// least 30% of the odd (LE) or even (BE) bytes are NUL and almost none of the other half.
fn sniff_utf16(bytes: &[u8]) -> Option<&'static Encoding> {
    if bytes.len() < 16 || !bytes.len().is_multiple_of(2) {
        return None;
    }
    let sample = &bytes[..bytes.len().min(4096)];
    let (mut even0, mut odd0) = (0usize, 0usize);
    for pair in sample.chunks_exact(2) {
        even0 += usize::from(pair[0] == 0);
        odd0 += usize::from(pair[1] == 0);
    }
    let pairs = sample.len() / 2;
    if odd0 * 10 >= pairs * 3 && even0 * 50 <= pairs {
        Some(UTF_16LE)
    } else if even0 * 10 >= pairs * 3 && odd0 * 50 <= pairs {
        Some(UTF_16BE)
    } else {
        None
    }
}

/// Binary junk: a NUL byte anywhere (text never has one), or more than 1% C0 control bytes other
/// than tab, line feed, carriage return, form feed and ESC.
fn check_binary(bytes: &[u8], utf16: bool) -> Result<(), ReadError> {
    if utf16 {
        return Ok(());
    }
    // NUL is one of the control bytes counted: text without any is not searched for it
    let controls = count_controls(bytes);
    if controls == 0 {
        return Ok(());
    }
    if let Some(pos) = memchr::memchr(0, bytes) {
        return Err(ReadError::Binary { detail: format!("第 {} 字节为 NUL", pos + 1) });
    }
    if controls * 100 > bytes.len() {
        return Err(ReadError::Binary { detail: format!("{controls} 个控制字符（共 {} 字节）", bytes.len()) });
    }
    Ok(())
}

/// C0 control bytes other than tab, LF, CR, FF and ESC, and DEL. Branch-free over fixed-size
/// chunks, which the compiler turns into SIMD compares: this runs over every input byte. Most
/// chunks hold no control byte but line feeds: a cheaper test (a C0 byte other than LF, or DEL)
/// passes them, and only the others are counted byte by byte.
fn count_controls(bytes: &[u8]) -> usize {
    #[inline(always)]
    fn bad(b: u8) -> u8 {
        let c0 = (b < 0x20) & (b != b'\t') & (b != b'\n') & (b != b'\r') & (b != 0x0C) & (b != 0x1B);
        u8::from(c0 | (b == 0x7F))
    }
    #[inline(always)]
    fn maybe_bad(b: u8) -> u8 {
        u8::from(((b < 0x20) & (b != b'\n')) | (b == 0x7F))
    }
    let mut total = 0usize;
    let mut chunks = bytes.chunks_exact(64);
    for chunk in &mut chunks {
        let mut any = 0u8;
        for &b in chunk {
            any |= maybe_bad(b);
        }
        if any != 0 {
            let mut n = 0u8;
            for &b in chunk {
                n += bad(b);
            }
            total += usize::from(n);
        }
    }
    total + chunks.remainder().iter().map(|&b| usize::from(bad(b))).sum::<usize>()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn is_blank_is_whitespace_or_invisible() {
        for c in (0..=0x3100u32).chain([0xFEFF, 0xFF01]).filter_map(char::from_u32) {
            let want = c.is_whitespace() || matches!(c, '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{FEFF}' | '\u{00A0}');
            assert_eq!(is_blank(c), want, "{c:?}");
        }
    }

    #[test]
    fn full_width_digits_are_digits() {
        assert_eq!(decode("本年新收２１７件，金额１８６５１．０６万元。".as_bytes(), None).unwrap(), "本年新收217件，金额18651.06万元。");
        // a full-width point elsewhere stays; text without full-width digits is not copied
        assert_eq!(decode("见第．条，（一）".as_bytes(), None).unwrap(), "见第．条，（一）");
        assert!(matches!(decode("（一）２".as_bytes(), None).unwrap(), Cow::Owned(_)));
        assert!(matches!(decode("（一）2，".as_bytes(), None).unwrap(), Cow::Borrowed(_)));
        // in GBK too
        let (gbk, _, _) = encoding_rs::GBK.encode("规章\t０\t１２");
        assert_eq!(decode(&gbk, None).unwrap(), "规章\t0\t12");
    }

    #[test]
    fn control_bytes_are_counted() {
        // every byte value, at every offset of a chunk, alone and with other control bytes
        let bad = |b: u8| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C | 0x1B)) || b == 0x7F;
        for b in 0..=255u8 {
            for at in [0, 1, 31, 32, 63, 64, 100, 127, 128, 130] {
                let mut v = vec![b'a'; 131];
                v[at] = b;
                v[5] = b'\n';
                assert_eq!(count_controls(&v), usize::from(bad(b)), "{b:#x} at {at}");
                v[70] = 0x01;
                v[129] = b'\t';
                assert_eq!(count_controls(&v), usize::from(bad(b)) + 1, "{b:#x} at {at}");
            }
        }
    }

    #[test]
    fn utf8_is_borrowed_and_gbk_is_detected() {
        let s = "一、总体情况";
        assert!(matches!(decode(s.as_bytes(), None).unwrap(), Cow::Borrowed(_)));
        let (gbk, _, _) = GB18030.encode(s);
        assert_eq!(decode(&gbk, None).unwrap(), s);
        assert_eq!(decode(&gbk, Some("gbk")).unwrap(), s);
    }
}
