//! Random tokens: session cookies, CSRF tokens, the 回执's query code.

use sha2::{Digest, Sha256};

use crate::error::{AppError, ErrorKind, Result};

/// `n` random bytes from the operating system.
fn random(n: usize) -> Result<Vec<u8>> {
    let mut b = vec![0u8; n];
    getrandom::fill(&mut b).map_err(|_| AppError::new(ErrorKind::Internal, "无法取得随机数"))?;
    Ok(b)
}

/// A token of 32 random bytes, as 64 hex digits (a session cookie, a CSRF token).
pub fn secret() -> Result<String> {
    Ok(hex(&random(32)?))
}

/// Hex SHA-256 of a token (what the database keeps of a session).
pub fn digest(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

fn hex(b: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(b.len() * 2);
    for x in b {
        out.push(char::from(HEX[usize::from(x >> 4)]));
        out.push(char::from(HEX[usize::from(x & 0xf)]));
    }
    out
}

/// Letters and digits a person reads back without confusion (no 0/O, 1/I/L).
const CODE_ALPHABET: &[u8; 30] = b"23456789ABCDEFGHJKMNPQRSTUVWXY";

/// A query code for the 回执: 12 characters in three groups (`K7QX-M3PA-W9TD`), about 59 bits.
pub fn query_code() -> Result<String> {
    let bytes = random(12)?;
    let mut out = String::with_capacity(14);
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 && i % 4 == 0 {
            out.push('-');
        }
        out.push(char::from(CODE_ALPHABET[usize::from(*b) % CODE_ALPHABET.len()]));
    }
    Ok(out)
}

/// Compares two tokens in time that does not depend on where they differ.
pub fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    #[test]
    fn tokens_are_random_and_well_formed() {
        let a = super::secret().unwrap();
        assert_eq!(a.len(), 64);
        assert_ne!(a, super::secret().unwrap());
        let q = super::query_code().unwrap();
        assert_eq!(q.len(), 14);
        assert!(q.chars().all(|c| c == '-' || super::CODE_ALPHABET.contains(&(c as u8))), "{q}");
        assert!(super::same("abc", "abc") && !super::same("abc", "abd") && !super::same("abc", "ab"));
    }
}
