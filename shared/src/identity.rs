//! Signing in with a credential pair: the pair must be registered (or be the bootstrap
//! admin pair); the first sign-in creates the user with the pair's roles.

use crate::auth::Role;
use crate::credential::Credential;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::credentials::Binding;
use crate::user::User;

/// The user behind (`i_code`, `order_no`), created on first use; 9999 for an unknown pair.
pub async fn sign_in(state: &AppState, i_code: &str, order_no: u64) -> Result<User, ApiError> {
    let store = state.store();
    let credential = match store.credential(i_code, order_no).await? {
        Some(credential) => credential,
        None => register_bootstrap_admin(state, i_code, order_no).await?,
    };
    if let Some(user_id) = credential.user_id {
        return store
            .user(user_id)
            .await?
            .ok_or(ApiError::CredentialRejected);
    }
    let user = User {
        id: store.next_id("user").await?,
        nickname: credential
            .nickname
            .clone()
            .unwrap_or_else(|| format!("用户{order_no}")),
        avatar: String::new(),
        real_name: None,
        gender: 0,
        tel: None,
        roles: credential.roles.clone(),
        company_id: credential.company_id,
        created_at: state.now(),
    };
    match store.bind_new_user(&credential, &user).await? {
        Binding::Created => Ok(user),
        Binding::LostRace => {
            let bound = store
                .credential(i_code, order_no)
                .await?
                .and_then(|credential| credential.user_id)
                .ok_or_else(|| ApiError::internal("credential lost its user"))?;
            store.user(bound).await?.ok_or(ApiError::CredentialRejected)
        }
    }
}

/// Registers the bootstrap admin pair from configuration the first time it signs in;
/// any other unknown pair is 9999.
async fn register_bootstrap_admin(
    state: &AppState,
    i_code: &str,
    order_no: u64,
) -> Result<Credential, ApiError> {
    let is_bootstrap = state
        .config()
        .bootstrap_admin
        .as_ref()
        .is_some_and(|admin| admin.i_code == i_code && admin.order_no == order_no);
    if !is_bootstrap {
        return Err(ApiError::CredentialRejected);
    }
    let store = state.store();
    let credential = Credential {
        id: store.next_id("credential").await?,
        i_code: i_code.to_owned(),
        order_no,
        roles: vec![Role::Admin],
        nickname: Some("平台管理员".to_owned()),
        company_id: None,
        user_id: None,
        created_at: state.now(),
    };
    match store.register_credential(&credential).await {
        Ok(()) | Err(ApiError::OperationFailed) => store
            .credential(i_code, order_no)
            .await?
            .ok_or_else(|| ApiError::internal("bootstrap credential vanished")),
        Err(error) => Err(error),
    }
}
