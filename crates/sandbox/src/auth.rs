//! Pieces of the two token endpoints: Basic client authentication, credential generation and the
//! CXone id token (a real HS256 JWT, so clients can decode it as they would NICE's).

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;

use crate::config::{Credentials, Platform};
use crate::http::Call;
use crate::state::Shared;

/// Fresh random credentials; a CXone access key secret always carries `=` and `+`.
pub(crate) fn new_credentials(platform: Platform) -> Credentials {
    let id = || uuid::Uuid::new_v4().to_string();
    match platform {
        Platform::Genesys => {
            Credentials { client_id: id(), client_secret: id(), access_key_id: None, access_key_secret: None }
        }
        Platform::Cxone => {
            let raw: Vec<u8> =
                uuid::Uuid::new_v4().as_bytes().iter().chain(uuid::Uuid::new_v4().as_bytes()).copied().collect();
            // Standard base64 of 32 bytes ends in `=`; the `+` makes sure form-encoding matters twice.
            let secret = format!("{}+{}", &STANDARD.encode(&raw[..15]), STANDARD.encode(&raw[15..]));
            Credentials {
                client_id: id(),
                client_secret: id(),
                access_key_id: Some(uuid::Uuid::new_v4().simple().to_string().to_uppercase()),
                access_key_secret: Some(secret),
            }
        }
    }
}

/// The client id and secret of a request: Basic auth first, then `client_id`/`client_secret`
/// form fields (CXone accepts both).
pub(crate) fn client_of(call: &Call, form: &[(String, String)], allow_form: bool) -> Option<(String, String)> {
    if let Some(value) = call.header("authorization") {
        let (scheme, encoded) = value.trim().split_once(' ')?;
        if !scheme.eq_ignore_ascii_case("basic") {
            return None;
        }
        let decoded = STANDARD.decode(encoded.trim()).ok()?;
        let text = String::from_utf8(decoded).ok()?;
        let (id, secret) = text.split_once(':')?;
        return Some((id.to_string(), secret.to_string()));
    }
    if !allow_form {
        return None;
    }
    let field = |name: &str| form.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    Some((field("client_id")?, field("client_secret")?))
}

/// The CXone id token: header.payload.signature, HS256 over the first two parts.
pub(crate) fn id_token(shared: &Shared, subject: &str) -> String {
    let now = chrono::Utc::now().timestamp();
    let header = json!({"alg": "HS256", "typ": "JWT"});
    let claims = json!({
        "iss": shared.base_url,
        "sub": subject,
        "aud": shared.credentials.client_id,
        "iat": now,
        "exp": now + shared.token_ttl.as_secs() as i64,
        "tenantId": shared.tenant_id,
        "name": "Skillsync API user",
    });
    sign(&shared.jwt_key, &header, &claims)
}

fn sign(key: &[u8], header: &Value, claims: &Value) -> String {
    let signing_input =
        format!("{}.{}", URL_SAFE_NO_PAD.encode(header.to_string()), URL_SAFE_NO_PAD.encode(claims.to_string()));
    let signature = match Hmac::<Sha256>::new_from_slice(key) {
        Ok(mut mac) => {
            mac.update(signing_input.as_bytes());
            mac.finalize().into_bytes().to_vec()
        }
        // HMAC takes keys of any length; this arm only satisfies the type.
        Err(_) => Vec::new(),
    };
    format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(signature))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cxone_secret_needs_form_encoding() {
        for _ in 0..20 {
            let c = new_credentials(Platform::Cxone);
            let secret = c.access_key_secret.expect("CXone has an access key secret");
            assert!(secret.contains('=') && secret.contains('+'), "{secret} must carry = and +");
        }
        assert!(new_credentials(Platform::Genesys).access_key_id.is_none(), "Genesys has no access key");
    }

    #[test]
    fn jwt_signature_verifies() {
        let token = sign(b"k", &json!({"alg": "HS256"}), &json!({"sub": "x"}));
        let (input, sig) = token.rsplit_once('.').expect("three parts");
        let mut mac = Hmac::<Sha256>::new_from_slice(b"k").expect("key");
        mac.update(input.as_bytes());
        let expected = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
        assert_eq!(sig, expected, "signature is HMAC-SHA256 of header.payload");
    }
}
