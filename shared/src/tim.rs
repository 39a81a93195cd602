//! Tencent IM login signatures (UserSig), by the public TLSSigAPIv2 algorithm:
//! HMAC-SHA256 over the identity fields, a JSON document, zlib, and base64 with
//! `+/=` replaced by `*-_`.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use flate2::write::ZlibEncoder;
use flate2::Compression;
use hmac::{Hmac, Mac};
use serde_json::json;
use sha2::Sha256;
use std::io::Write;

/// 180 days, the contract's UserSig lifetime.
pub const USER_SIG_EXPIRE_SECONDS: i64 = 180 * 24 * 3600;

/// The base64 HMAC-SHA256 of TLSSigAPIv2's content string.
pub fn signature(key: &str, identifier: &str, sdk_app_id: u64, time: i64, expire: i64) -> String {
    let content = format!(
        "TLS.identifier:{identifier}\nTLS.sdkappid:{sdk_app_id}\nTLS.time:{time}\nTLS.expire:{expire}\n"
    );
    let mut mac = Hmac::<Sha256>::new_from_slice(key.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
    mac.update(content.as_bytes());
    STANDARD.encode(mac.finalize().into_bytes())
}

/// A UserSig for `identifier`, signed at `time` (Unix seconds), valid for `expire` seconds.
pub fn user_sig(key: &str, identifier: &str, sdk_app_id: u64, time: i64, expire: i64) -> String {
    let document = json!({
        "TLS.ver": "2.0",
        "TLS.identifier": identifier,
        "TLS.sdkappid": sdk_app_id,
        "TLS.expire": expire,
        "TLS.time": time,
        "TLS.sig": signature(key, identifier, sdk_app_id, time, expire),
    });
    let mut encoder = ZlibEncoder::new(Vec::new(), Compression::best());
    let compressed = encoder
        .write_all(document.to_string().as_bytes())
        .and_then(|()| encoder.finish())
        .unwrap_or_else(|_| unreachable!("writing to a Vec cannot fail"));
    STANDARD
        .encode(compressed)
        .chars()
        .map(|c| match c {
            '+' => '*',
            '/' => '-',
            '=' => '_',
            other => other,
        })
        .collect()
}

/// The JSON document inside a UserSig (decoded the way Tencent's servers do), or `None`
/// when it is not one.
pub fn decode_user_sig(sig: &str) -> Option<serde_json::Value> {
    use std::io::Read;
    let standard: String = sig
        .chars()
        .map(|c| match c {
            '*' => '+',
            '-' => '/',
            '_' => '=',
            other => other,
        })
        .collect();
    let compressed = STANDARD.decode(standard).ok()?;
    let mut text = String::new();
    flate2::read::ZlibDecoder::new(&compressed[..])
        .read_to_string(&mut text)
        .ok()?;
    serde_json::from_str(&text).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(sig: &str) -> serde_json::Value {
        decode_user_sig(sig).unwrap()
    }

    #[test]
    fn document_fields_and_signature_check_out() {
        let sig = user_sig(
            "secret",
            "42",
            1_400_000_000,
            1_700_000_000,
            USER_SIG_EXPIRE_SECONDS,
        );
        assert!(!sig.contains(['+', '/', '=']));
        let document = decode(&sig);
        assert_eq!(document["TLS.ver"], "2.0");
        assert_eq!(document["TLS.identifier"], "42");
        assert_eq!(document["TLS.sdkappid"], 1_400_000_000u64);
        assert_eq!(document["TLS.expire"], USER_SIG_EXPIRE_SECONDS);
        // An HMAC computed independently over the documented content string.
        let content = "TLS.identifier:42\nTLS.sdkappid:1400000000\nTLS.time:1700000000\nTLS.expire:15552000\n";
        let mut mac = Hmac::<Sha256>::new_from_slice(b"secret").unwrap();
        mac.update(content.as_bytes());
        assert_eq!(
            document["TLS.sig"],
            STANDARD.encode(mac.finalize().into_bytes())
        );
    }

    #[test]
    fn another_key_gives_another_signature() {
        assert_ne!(signature("a", "1", 1, 0, 1), signature("b", "1", 1, 0, 1));
    }
}
