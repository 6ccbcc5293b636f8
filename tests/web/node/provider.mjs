// A real OpenID Connect provider for the sign-in test (the certified `oidc-provider` package):
// discovery, authorization code with PKCE, JWKS, and its own login and consent pages.
import Provider from "oidc-provider";

const port = Number(process.env.PORT);
const issuer = `http://127.0.0.1:${port}`;
const accounts = JSON.parse(process.env.ACCOUNTS || "{}");

const provider = new Provider(issuer, {
  clients: [{
    client_id: process.env.CLIENT_ID,
    client_secret: process.env.CLIENT_SECRET,
    redirect_uris: [process.env.REDIRECT_URI],
    post_logout_redirect_uris: [process.env.POST_LOGOUT_URI],
    grant_types: ["authorization_code"],
    response_types: ["code"],
    token_endpoint_auth_method: "client_secret_basic",
  }],
  pkce: { required: () => true },
  claims: { openid: ["sub"], profile: ["name", "unit", "groups"] },
  conformIdTokenClaims: false,
  findAccount: (ctx, id) => ({ accountId: id, claims: () => ({ sub: id, ...(accounts[id] || { name: id }) }) }),
  cookies: { keys: ["tdkt-test-provider-cookie-key"] },
});
provider.listen(port, "127.0.0.1", () => console.log(`ready ${issuer}`));
