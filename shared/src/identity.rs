//! Who may act: signing in with a credential pair (throttled per address and `i_code`),
//! sessions that end, and the admin's credential and role changes.
//!
//! A pair must be registered (or be the bootstrap admin pair while no other admin pair
//! exists); the first sign-in creates the user with the pair's roles. Every change that
//! should end a user's tokens moves their session version (see `auth`).

use crate::auth::{distinct_roles, Claims, Role};
use crate::config::BootstrapAdmin;
use crate::credential::{mask_order_no, Credential, NewCredential, PairDigest};
use crate::error::ApiError;
use crate::metrics::{self, LoginOutcome};
use crate::state::AppState;
use crate::store::credentials::Binding;
use crate::throttle::LoginSubject;
use crate::user::User;

/// One login: the pair and where it came from.
#[derive(Debug, Clone, Copy)]
pub struct LoginAttempt<'a> {
    /// The pair's code.
    pub i_code: &'a str,
    /// The pair's number.
    pub order_no: u64,
    /// The caller's address (API Gateway's `sourceIp`).
    pub source_ip: &'a str,
}

impl LoginAttempt<'_> {
    fn subjects(&self) -> [LoginSubject; 2] {
        [
            LoginSubject::SourceIp(self.source_ip.to_owned()),
            LoginSubject::ICode(self.i_code.to_owned()),
        ]
    }
}

/// Admits a login unless its address or its `i_code` is throttled (429); answers the
/// pair's digest.
pub async fn admit(state: &AppState, attempt: &LoginAttempt<'_>) -> Result<PairDigest, ApiError> {
    let limits = state.config().login_limits;
    let subjects = attempt.subjects();
    let (windows, pepper) =
        tokio::try_join!(state.store().failure_windows(&subjects), state.pepper())?;
    let now = state.now();
    let refusal = windows
        .iter()
        .zip([limits.per_source_ip, limits.per_i_code])
        .filter_map(|(window, limit)| window.as_ref()?.refusal(limit, limits.window_seconds, now))
        .max();
    match refusal {
        Some(seconds) => {
            tracing::warn!(
                outcome = "throttled",
                retry_after = seconds,
                "login refused"
            );
            metrics::login(LoginOutcome::Throttled);
            Err(ApiError::LoginThrottled(seconds))
        }
        None => Ok(pepper.pair(attempt.i_code, attempt.order_no)),
    }
}

/// Counts a failed login against its address and its `i_code`; answers the 9999 to give.
pub async fn refuse(state: &AppState, attempt: &LoginAttempt<'_>) -> ApiError {
    let store = state.store();
    let (now, window) = (state.now(), state.config().login_limits.window_seconds);
    let [ip, i_code] = attempt.subjects();
    let counted = tokio::try_join!(
        store.count_failure(&ip, now, window),
        store.count_failure(&i_code, now, window)
    );
    tracing::warn!(outcome = "refused", "login refused");
    metrics::login(LoginOutcome::Refused);
    match counted {
        Ok(_) => ApiError::CredentialRejected,
        Err(error) => error,
    }
}

/// The user behind the attempt's pair, created on first use: 9999 for an unknown pair,
/// 429 while throttled.
pub async fn sign_in(state: &AppState, attempt: &LoginAttempt<'_>) -> Result<User, ApiError> {
    let pair = admit(state, attempt).await?;
    sign_in_admitted(state, attempt, &pair).await
}

/// [`sign_in`] after [`admit`] answered `pair` (a caller that checks more first).
pub async fn sign_in_admitted(
    state: &AppState,
    attempt: &LoginAttempt<'_>,
    pair: &PairDigest,
) -> Result<User, ApiError> {
    let store = state.store();
    let credential = match store.credential(pair).await? {
        Some(credential) => credential,
        None => match bootstrap_pair(state, attempt).await? {
            Some(admin) => register_bootstrap_admin(state, admin, pair).await?,
            None => return Err(refuse(state, attempt).await),
        },
    };
    if credential.bootstrap && store.admin_credentials().await? > 0 {
        return Err(refuse(state, attempt).await);
    }
    let user = match credential.user_id {
        Some(user_id) => store
            .user(user_id)
            .await?
            .ok_or(ApiError::CredentialRejected)?,
        None => bind_new_user(state, &credential).await?,
    };
    tracing::info!(outcome = "ok", user_id = user.id, "login");
    metrics::login(LoginOutcome::Ok);
    Ok(user)
}

async fn bind_new_user(state: &AppState, credential: &Credential) -> Result<User, ApiError> {
    let store = state.store();
    let id = store.next_id("user").await?;
    let user = User {
        id,
        nickname: credential
            .nickname
            .clone()
            .unwrap_or_else(|| format!("用户{id}")),
        avatar: String::new(),
        real_name: None,
        gender: 0,
        tel: None,
        roles: credential.roles.clone(),
        company_id: credential.company_id,
        session_version: 0,
        created_at: state.now(),
    };
    match store.bind_new_user(credential, &user).await? {
        Binding::Created => Ok(user),
        Binding::LostRace => {
            let bound = store
                .credential(&credential.pair)
                .await?
                .and_then(|credential| credential.user_id)
                .ok_or_else(|| ApiError::internal("credential lost its user"))?;
            store.user(bound).await?.ok_or(ApiError::CredentialRejected)
        }
    }
}

/// The configured bootstrap pair, if `attempt` is it.
async fn bootstrap_pair<'a>(
    state: &'a AppState,
    attempt: &LoginAttempt<'_>,
) -> Result<Option<&'a BootstrapAdmin>, ApiError> {
    Ok(state
        .bootstrap_admin()
        .await?
        .filter(|admin| admin.i_code == attempt.i_code && admin.order_no == attempt.order_no))
}

/// Registers the bootstrap admin pair from configuration the first time it signs in.
async fn register_bootstrap_admin(
    state: &AppState,
    admin: &BootstrapAdmin,
    pair: &PairDigest,
) -> Result<Credential, ApiError> {
    let store = state.store();
    let credential = Credential {
        id: store.next_id("credential").await?,
        i_code: admin.i_code.clone(),
        pair: pair.clone(),
        order_no_hint: mask_order_no(admin.order_no),
        roles: vec![Role::Admin],
        nickname: Some("平台管理员".to_owned()),
        company_id: None,
        user_id: None,
        bootstrap: true,
        created_at: state.now(),
    };
    match store.register_credential(&credential).await {
        Ok(()) | Err(ApiError::OperationFailed) => store
            .credential(pair)
            .await?
            .ok_or_else(|| ApiError::internal("bootstrap credential vanished")),
        Err(error) => Err(error),
    }
}

/// A token for `user` at their current session version.
pub async fn issue_token(state: &AppState, user: &User) -> Result<String, ApiError> {
    state
        .tokens()
        .await?
        .issue(user.id, user.session_version, state.now())
}

/// Ok while the session of `claims` lives (`POST /v1/token/verify`): 10002 when it ended.
pub async fn live_session(state: &AppState, claims: &Claims) -> Result<(), ApiError> {
    crate::http::live_user(state, claims).await.map(|_| ())
}

/// Ends every session of user `id` (logout, `POST /v1/token/revoke`).
pub async fn end_sessions(state: &AppState, id: u64) -> Result<(), ApiError> {
    state.store().end_sessions(id).await
}

/// Registers `request` (`POST /v1/admin/credential`): 10009 when the pair is registered,
/// 10000 when `company_id` is not a company user. Registering another admin ends the
/// bootstrap admin's sessions, whose pair stops working from then on.
pub async fn register_credential(
    state: &AppState,
    request: NewCredential,
) -> Result<Credential, ApiError> {
    let store = state.store();
    let pepper = state.pepper().await?;
    let mut credential = request.into_credential(pepper, 0, state.now())?;
    if let Some(company_id) = credential.company_id {
        let company = store.user(company_id).await?;
        if !company.is_some_and(|company| company.roles.contains(&Role::Company)) {
            return Err(ApiError::invalid(
                "company_id",
                "is not a user with role company",
            ));
        }
    }
    credential.id = store.next_id("credential").await?;
    store.register_credential(&credential).await?;
    if credential.counts_as_admin() {
        if let Some(admin) = state.bootstrap_admin().await? {
            let bootstrap = store
                .credential(&pepper.pair(&admin.i_code, admin.order_no))
                .await?;
            if let Some(user_id) = bootstrap.and_then(|bootstrap| bootstrap.user_id) {
                store.end_sessions(user_id).await?;
            }
        }
    }
    Ok(credential)
}

/// Removes credential `id` (`DELETE /v1/admin/credential/{id}`): 10008 when there is none,
/// 10009 when it changed meanwhile.
pub async fn remove_credential(state: &AppState, id: u64) -> Result<Credential, ApiError> {
    let store = state.store();
    let credential = store
        .credential_by_id(id)
        .await?
        .ok_or(ApiError::NotFound)?;
    store.remove_credential(&credential).await?;
    Ok(credential)
}

/// Replaces user `id`'s roles (`PUT /v1/admin/user/{id}/roles`) and ends their sessions;
/// answers the roles as stored (sorted, once each); 10008 when there is no such user.
pub async fn set_roles(state: &AppState, id: u64, roles: &[Role]) -> Result<Vec<Role>, ApiError> {
    let roles = distinct_roles(roles.to_vec());
    state.store().set_roles(id, &roles).await?;
    Ok(roles)
}
