//! Users: the person behind a credential pair, shown as the seed's user object
//! (`publisher`, `consumer`, `author`, `GET /v1/user`).

use serde::{Deserialize, Serialize};

use crate::auth::Role;
use crate::http::CurrentUser;
use crate::text::{BoundedText, Edit, HttpsUrl};

/// A stored user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    /// User id.
    pub id: u64,
    /// WeChat nickname (昵称).
    pub nickname: String,
    /// Avatar URL (头像).
    pub avatar: String,
    /// Real name (真实姓名), when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub real_name: Option<String>,
    /// 0 unknown, 1 male, 2 female.
    pub gender: u8,
    /// Phone number (手机号码), when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tel: Option<String>,
    /// Roles (admin, company, designer).
    #[serde(default)]
    pub roles: Vec<Role>,
    /// For a designer: the user id of their design company.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company_id: Option<u64>,
    /// Session version: tokens issued at an older version are refused (see `auth`).
    #[serde(default)]
    pub session_version: u64,
    /// Created at, Unix seconds.
    pub created_at: i64,
}

/// The seed's user object: `{id, nickname, avatar, real_name, gender, tel}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserView {
    /// User id.
    pub id: u64,
    /// Nickname.
    pub nickname: String,
    /// Avatar URL.
    pub avatar: String,
    /// Real name or null.
    pub real_name: Option<String>,
    /// 0 unknown, 1 male, 2 female.
    pub gender: u8,
    /// Phone or null.
    pub tel: Option<String>,
}

/// Who reads a user object that other people's records carry (a service's publisher, a
/// rating's author, a design task's customer).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reader {
    /// A caller without a (valid) token.
    Anonymous,
    /// A signed-in user.
    User(u64),
    /// A platform operator.
    Admin,
}

impl Reader {
    /// The reader behind a route's optional caller.
    pub fn of(caller: Option<&CurrentUser>) -> Reader {
        match caller {
            None => Reader::Anonymous,
            Some(caller) if caller.has(Role::Admin) => Reader::Admin,
            Some(caller) => Reader::User(caller.id),
        }
    }

    /// Whether this reader may see `user_id`'s contact details: that user and admins.
    pub fn sees_contact_of(self, user_id: u64) -> bool {
        match self {
            Reader::Admin => true,
            Reader::User(id) => id == user_id,
            Reader::Anonymous => false,
        }
    }
}

impl UserView {
    /// This user as `reader` may see them: `real_name` and `tel` (personal data) only for
    /// the user themself and admins, `null` for everyone else, as the seed's public list
    /// examples show them.
    pub fn shown_to(self, reader: Reader) -> UserView {
        if reader.sees_contact_of(self.id) {
            self
        } else {
            self.without_contact()
        }
    }

    /// This user with `real_name` and `tel` hidden (`null`).
    pub fn without_contact(self) -> UserView {
        UserView {
            real_name: None,
            tel: None,
            ..self
        }
    }
}

impl From<&User> for UserView {
    fn from(user: &User) -> Self {
        UserView {
            id: user.id,
            nickname: user.nickname.clone(),
            avatar: user.avatar.clone(),
            real_name: user.real_name.clone(),
            gender: user.gender,
            tel: user.tel.clone(),
        }
    }
}

/// Gender as the seed encodes it: 1 male, 2 female; 0 (unknown) is what a new user has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "i64", into = "u8")]
pub struct Gender(u8);

impl TryFrom<i64> for Gender {
    type Error = String;

    fn try_from(value: i64) -> Result<Self, String> {
        match value {
            0..=2 => Ok(Gender(value as u8)),
            _ => Err("must be 1 (male), 2 (female) or 0 (unknown)".to_owned()),
        }
    }
}

impl From<Gender> for u8 {
    fn from(value: Gender) -> u8 {
        value.0
    }
}

/// A phone number: 3–20 digits, optionally with `+`, `-` or spaces.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Tel(String);

impl TryFrom<String> for Tel {
    type Error = String;

    fn try_from(value: String) -> Result<Self, String> {
        let value = value.trim().to_owned();
        let digits = value.chars().filter(char::is_ascii_digit).count();
        let allowed = value
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '+' | '-' | ' '));
        if allowed && (3..=20).contains(&digits) && value.len() <= 24 {
            Ok(Tel(value))
        } else {
            Err("must be a phone number of 3 to 20 digits".to_owned())
        }
    }
}

impl From<Tel> for String {
    fn from(value: Tel) -> String {
        value.0
    }
}

/// The avatar of `PUT /v1/user`: an https URL ([`HttpsUrl`]: WeChat's avatars are
/// `https://thirdwx.qlogo.cn/...`), or `""`, which clears it (a new user has none).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct Avatar(Option<HttpsUrl>);

impl TryFrom<String> for Avatar {
    type Error = String;

    fn try_from(value: String) -> Result<Self, String> {
        if value.trim().is_empty() {
            return Ok(Avatar(None));
        }
        HttpsUrl::try_from(value)
            .map(|url| Avatar(Some(url)))
            .map_err(|problem| format!("{problem}, or \"\" for none"))
    }
}

impl From<Avatar> for String {
    fn from(avatar: Avatar) -> String {
        avatar.0.map(HttpsUrl::into_inner).unwrap_or_default()
    }
}

/// `PUT /v1/user`: the profile fields a user may change (never id, roles or company). Every
/// field is optional (contract §11: the profile page sends some of them): what is not
/// sent keeps its value; `null` or `""` clears `real_name` and `tel`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ProfileUpdate {
    /// Nickname, 1–32 characters.
    #[serde(default)]
    pub nickname: Option<BoundedText<1, 32>>,
    /// Avatar: an https URL of up to 500 characters, or `""`.
    #[serde(default)]
    pub avatar: Option<Avatar>,
    /// Gender; 0 (unknown) is what WeChat gives a user who did not say.
    #[serde(default)]
    pub gender: Option<Gender>,
    /// Real name, up to 32 characters.
    #[serde(default)]
    pub real_name: Edit<BoundedText<1, 32>>,
    /// Phone.
    #[serde(default)]
    pub tel: Edit<Tel>,
}

impl ProfileUpdate {
    /// `user` with this update applied.
    pub fn apply(self, mut user: User) -> User {
        if let Some(nickname) = self.nickname {
            user.nickname = nickname.into_inner();
        }
        if let Some(avatar) = self.avatar {
            user.avatar = avatar.into();
        }
        if let Some(gender) = self.gender {
            user.gender = gender.into();
        }
        user.real_name = self.real_name.apply(user.real_name);
        user.tel = self.tel.apply(user.tel);
        user
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gender_and_tel() {
        assert!(Gender::try_from(2).is_ok());
        assert!(Gender::try_from(3).is_err());
        assert!(Tel::try_from("020-81167888".to_owned()).is_ok());
        assert!(Tel::try_from("call me".to_owned()).is_err());
        assert!(Tel::try_from("12".to_owned()).is_err());
    }

    #[test]
    fn avatars_are_https_or_empty() {
        let read = |json: &str| serde_json::from_str::<ProfileUpdate>(json).map(|p| p.avatar);
        let set = read(r#"{"avatar":"https://thirdwx.qlogo.cn/mmopen/a/132"}"#).unwrap();
        assert_eq!(
            set.map(String::from).as_deref(),
            Some("https://thirdwx.qlogo.cn/mmopen/a/132")
        );
        assert_eq!(
            read(r#"{"avatar":""}"#).unwrap().map(String::from),
            Some(String::new())
        );
        assert_eq!(read(r#"{"avatar":null}"#).unwrap(), None, "null keeps it");
        for bad in ["javascript:alert(1)", "http://a.example/b.png", "data:,x"] {
            let error = read(&format!(r#"{{"avatar":"{bad}"}}"#)).unwrap_err();
            assert!(error.to_string().contains("https URL"), "{bad}: {error}");
        }
    }

    #[test]
    fn contact_details_only_for_the_user_and_admins() {
        let user = UserView {
            id: 7,
            nickname: "n".into(),
            avatar: String::new(),
            real_name: Some("沁塵".into()),
            gender: 1,
            tel: Some("13800000000".into()),
        };
        for (reader, shown) in [
            (Reader::User(7), true),
            (Reader::Admin, true),
            (Reader::User(8), false),
            (Reader::Anonymous, false),
        ] {
            let view = user.clone().shown_to(reader);
            assert_eq!(view.tel.is_some(), shown, "{reader:?}");
            assert_eq!(view.real_name.is_some(), shown, "{reader:?}");
            assert_eq!((view.id, view.nickname.as_str()), (7, "n"));
        }
    }

    #[test]
    fn update_keeps_identity() {
        let user = User {
            id: 7,
            nickname: "a".into(),
            avatar: String::new(),
            real_name: Some("x".into()),
            gender: 0,
            tel: None,
            roles: vec![Role::Admin],
            company_id: None,
            session_version: 0,
            created_at: 1,
        };
        let update: ProfileUpdate =
            serde_json::from_str(r#"{"nickname":"沁塵","avatar":"https://a/b.png","gender":1}"#)
                .unwrap();
        let updated = update.apply(user);
        assert_eq!((updated.id, updated.roles.clone()), (7, vec![Role::Admin]));
        assert_eq!((updated.nickname.as_str(), updated.gender), ("沁塵", 1));
        assert_eq!(updated.real_name.as_deref(), Some("x"), "not sent: kept");
        let partial: ProfileUpdate =
            serde_json::from_str(r#"{"gender":0,"real_name":""}"#).unwrap();
        let updated = partial.apply(updated);
        assert_eq!((updated.nickname.as_str(), updated.gender), ("沁塵", 0));
        assert_eq!(updated.real_name, None, "\"\" clears");
    }
}
