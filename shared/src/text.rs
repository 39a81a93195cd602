//! Request text that cannot hold bad values: length-checked strings, https URLs.

use serde::{Deserialize, Serialize};

/// A string of `MIN..=MAX` characters (Unicode scalar values) after trimming. Deserializing
/// anything else fails, so a request body holding one is already valid.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct BoundedText<const MIN: usize, const MAX: usize>(String);

impl<const MIN: usize, const MAX: usize> BoundedText<MIN, MAX> {
    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The text, owned.
    pub fn into_inner(self) -> String {
        self.0
    }
}

impl<const MIN: usize, const MAX: usize> TryFrom<String> for BoundedText<MIN, MAX> {
    type Error = String;

    fn try_from(value: String) -> Result<Self, String> {
        let trimmed = value.trim();
        let length = trimmed.chars().count();
        if length < MIN || length > MAX {
            return Err(format!("must be {MIN} to {MAX} characters, got {length}"));
        }
        if trimmed
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t')
        {
            return Err("must not contain control characters".to_owned());
        }
        Ok(BoundedText(trimmed.to_owned()))
    }
}

impl<const MIN: usize, const MAX: usize> From<BoundedText<MIN, MAX>> for String {
    fn from(value: BoundedText<MIN, MAX>) -> String {
        value.0
    }
}

/// A credential's `i_code`: 1–64 letters, digits, `-` or `_` (it is part of a key).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ICode(String);

impl ICode {
    /// The code.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for ICode {
    type Error = String;

    fn try_from(value: String) -> Result<Self, String> {
        let valid = (1..=64).contains(&value.len())
            && value
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if valid {
            Ok(ICode(value))
        } else {
            Err("must be 1 to 64 letters, digits, '-' or '_'".to_owned())
        }
    }
}

impl From<ICode> for String {
    fn from(value: ICode) -> String {
        value.0
    }
}

/// An optional text field of a partial edit (`PUT /v1/user`): absent keeps the stored
/// value, `null` or a blank string clears it, anything else must parse as `T`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Edit<T> {
    /// Not sent: keep what is stored.
    #[default]
    Keep,
    /// `null` or `""`: remove it.
    Clear,
    /// A new value.
    Set(T),
}

impl<T> Edit<T> {
    /// The field after this edit, given what is stored.
    pub fn apply<S: From<T>>(self, stored: Option<S>) -> Option<S> {
        match self {
            Edit::Keep => stored,
            Edit::Clear => None,
            Edit::Set(value) => Some(value.into()),
        }
    }
}

impl<'de, T: TryFrom<String, Error = String>> Deserialize<'de> for Edit<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match Option::<String>::deserialize(deserializer)? {
            None => Ok(Edit::Clear),
            Some(text) if text.trim().is_empty() => Ok(Edit::Clear),
            Some(text) => T::try_from(text)
                .map(Edit::Set)
                .map_err(serde::de::Error::custom),
        }
    }
}

/// An `https://` URL with a host, at most 500 characters, without blanks, control
/// characters or the characters that end an HTML attribute or tag (`"`, `'`, `<`, `>`,
/// `` ` ``, `\`). Links the product shows to other people (avatars, 3D case links) are
/// these: no `javascript:`, `data:` or plain-text `http:` link can be stored.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct HttpsUrl(String);

impl HttpsUrl {
    /// At most this many characters.
    pub const MAX_CHARS: usize = 500;

    /// The URL.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The URL, owned.
    pub fn into_inner(self) -> String {
        self.0
    }
}

impl TryFrom<String> for HttpsUrl {
    type Error = String;

    fn try_from(value: String) -> Result<Self, String> {
        let url = value.trim();
        let rest = url
            .get(..8)
            .filter(|scheme| scheme.eq_ignore_ascii_case("https://"))
            .map(|_| &url[8..]);
        let host = rest
            .and_then(|rest| rest.split(['/', '?', '#']).next())
            .unwrap_or_default();
        let clean = !url.chars().any(|c| {
            c.is_whitespace() || c.is_control() || matches!(c, '"' | '\'' | '<' | '>' | '`' | '\\')
        });
        if !host.is_empty() && clean && url.chars().count() <= Self::MAX_CHARS {
            Ok(HttpsUrl(url.to_owned()))
        } else {
            Err(format!(
                "must be an https URL of at most {} characters",
                Self::MAX_CHARS
            ))
        }
    }
}

impl From<HttpsUrl> for String {
    fn from(value: HttpsUrl) -> String {
        value.0
    }
}

/// A positive integer in a request (ids, order numbers).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "i64", into = "u64")]
pub struct PositiveInt(u64);

impl PositiveInt {
    /// `value` if it is positive.
    pub fn new(value: u64) -> Option<PositiveInt> {
        (value > 0).then_some(PositiveInt(value))
    }

    /// Parses a path segment or other text: a positive integer, or `None`.
    pub fn parse(raw: &str) -> Option<PositiveInt> {
        raw.parse::<u64>().ok().and_then(PositiveInt::new)
    }

    /// The number.
    pub fn get(self) -> u64 {
        self.0
    }
}

impl TryFrom<i64> for PositiveInt {
    type Error = String;

    fn try_from(value: i64) -> Result<Self, String> {
        u64::try_from(value)
            .ok()
            .filter(|value| *value > 0)
            .map(PositiveInt)
            .ok_or_else(|| "must be a positive integer".to_owned())
    }
}

impl From<PositiveInt> for u64 {
    fn from(value: PositiveInt) -> u64 {
        value.0
    }
}

/// A list of `MIN..=MAX` elements. Deserializing stops at the first element past `MAX`, so
/// an oversized array in a request is refused without being read into memory.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(transparent)]
pub struct BoundedVec<T, const MIN: usize, const MAX: usize>(Vec<T>);

impl<T, const MIN: usize, const MAX: usize> Default for BoundedVec<T, MIN, MAX> {
    /// The empty list (also for `MIN > 0`: a missing optional field defaults to it).
    fn default() -> Self {
        BoundedVec(Vec::new())
    }
}

impl<T, const MIN: usize, const MAX: usize> std::ops::Deref for BoundedVec<T, MIN, MAX> {
    type Target = [T];

    /// Read access only: the bound holds for the list's whole life.
    fn deref(&self) -> &[T] {
        &self.0
    }
}

impl<T, const MIN: usize, const MAX: usize> BoundedVec<T, MIN, MAX> {
    /// The elements.
    pub fn into_inner(self) -> Vec<T> {
        self.0
    }
}

impl<'de, T: Deserialize<'de>, const MIN: usize, const MAX: usize> Deserialize<'de>
    for BoundedVec<T, MIN, MAX>
{
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Elements<T, const MIN: usize, const MAX: usize>(std::marker::PhantomData<T>);

        impl<'de, T: Deserialize<'de>, const MIN: usize, const MAX: usize> serde::de::Visitor<'de>
            for Elements<T, MIN, MAX>
        {
            type Value = BoundedVec<T, MIN, MAX>;

            fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
                write!(formatter, "a list of {MIN} to {MAX} items")
            }

            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Self::Value, A::Error> {
                let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(MAX));
                while let Some(item) = seq.next_element()? {
                    if items.len() == MAX {
                        return Err(serde::de::Error::custom(format!(
                            "must hold {MIN} to {MAX} items, got more"
                        )));
                    }
                    items.push(item);
                }
                if items.len() < MIN {
                    return Err(serde::de::Error::custom(format!(
                        "must hold {MIN} to {MAX} items, got {}",
                        items.len()
                    )));
                }
                Ok(BoundedVec(items))
            }
        }

        deserializer.deserialize_seq(Elements(std::marker::PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_text() {
        type Name = BoundedText<1, 3>;
        assert_eq!(
            Name::try_from(" 保洁 ".to_owned()).unwrap().as_str(),
            "保洁"
        );
        assert!(Name::try_from("".to_owned()).is_err());
        assert!(Name::try_from("   ".to_owned()).is_err());
        assert!(Name::try_from("四个字符".to_owned()).is_err());
        assert!(Name::try_from("a\u{0}".to_owned()).is_err());
    }

    #[test]
    fn i_code() {
        assert!(ICode::try_from("abc-DEF_09".to_owned()).is_ok());
        assert!(ICode::try_from("".to_owned()).is_err());
        assert!(ICode::try_from("a#b".to_owned()).is_err());
        assert!(ICode::try_from("x".repeat(65)).is_err());
    }

    #[test]
    fn bounded_vec() {
        type Ids = BoundedVec<u64, 1, 3>;
        assert_eq!(
            serde_json::from_str::<Ids>("[1,2,3]").unwrap().0,
            vec![1, 2, 3]
        );
        let over = serde_json::from_str::<Ids>("[1,2,3,4]").unwrap_err();
        assert!(over.to_string().contains("1 to 3 items"), "{over}");
        assert!(serde_json::from_str::<Ids>("[]").is_err());
        assert!(serde_json::from_str::<Ids>("[1,\"x\"]").is_err());
        assert!(serde_json::from_str::<Ids>("{}").is_err());
        assert!(Ids::default().0.is_empty());
    }

    #[test]
    fn edits() {
        #[derive(Deserialize)]
        struct Profile {
            #[serde(default)]
            name: Edit<BoundedText<1, 4>>,
        }
        let read = |json: &str| serde_json::from_str::<Profile>(json).map(|p| p.name);
        let stored = Some("old".to_owned());
        assert_eq!(read("{}").unwrap().apply(stored.clone()), stored);
        assert_eq!(
            read(r#"{"name":null}"#).unwrap().apply(stored.clone()),
            None
        );
        assert_eq!(read(r#"{"name":" "}"#).unwrap().apply(stored.clone()), None);
        assert_eq!(
            read(r#"{"name":"new"}"#).unwrap().apply(stored),
            Some("new".to_owned())
        );
        assert!(read(r#"{"name":"too long"}"#).is_err());
        assert!(read(r#"{"name":5}"#).is_err());
    }

    #[test]
    fn https_urls() {
        let parse = |url: &str| HttpsUrl::try_from(url.to_owned()).map(HttpsUrl::into_inner);
        assert_eq!(
            parse(" https://thirdwx.qlogo.cn/mmopen/vi_32/a/132 ").unwrap(),
            "https://thirdwx.qlogo.cn/mmopen/vi_32/a/132"
        );
        assert!(parse("HTTPS://vr.example.com/case?id=1").is_ok());
        for bad in [
            "",
            "http://example.com/a.png",
            "javascript:alert(1)",
            "JavaScript://example.com/%0Aalert(1)",
            "data:image/png;base64,AAAA",
            "//example.com/a.png",
            "https://",
            "https:///path",
            "https://exa mple.com/",
            "https://example.com/\"onerror=\"x",
            "https://example.com/<script>",
            "https://example.com/a\u{0}",
            "ftp://example.com/a",
        ] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
        let long = format!("https://example.com/{}", "a".repeat(481));
        assert_eq!(long.len(), 501);
        assert!(parse(&long).is_err());
        assert!(parse(&long[..500]).is_ok());
        assert!(serde_json::from_str::<HttpsUrl>("5").is_err());
    }

    #[test]
    fn positive_int() {
        assert_eq!(PositiveInt::try_from(5).unwrap().get(), 5);
        assert!(PositiveInt::try_from(0).is_err());
        assert!(PositiveInt::try_from(-3).is_err());
    }
}
