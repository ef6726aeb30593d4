// An OpenID Connect provider for the sign-in tests (tests/accounts/test_oidc.py), run as
// its own process: `node provider.mjs PORT CLIENT_ID CLIENT_SECRET REDIRECT_URI`.
// People sign in on its development login form with any password; each person's groups
// come from PEOPLE below and are released as the "groups" claim.
import Provider from "oidc-provider";

const [port, clientId, clientSecret, redirectUri] = process.argv.slice(2);
const PEOPLE = {
  carol: { given_name: "Carol", family_name: "Chen", groups: ["bc-managers"] },
  dave: { given_name: "Dave", family_name: "Dunn", groups: ["bc-auditors", "bc-staff"] },
};

const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients: [
    {
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uris: [redirectUri],
      token_endpoint_auth_method: "client_secret_post",
    },
  ],
  scopes: ["openid", "email", "profile", "groups"],
  claims: {
    openid: ["sub"],
    email: ["email", "email_verified"],
    profile: ["given_name", "family_name", "preferred_username"],
    groups: ["groups"],
  },
  async findAccount(ctx, id) {
    const person = PEOPLE[id];
    if (!person) return undefined;
    return {
      accountId: id,
      async claims() {
        return {
          sub: id,
          email: `${id}@example.org`,
          email_verified: true,
          preferred_username: id,
          ...person,
        };
      },
    };
  },
  features: { devInteractions: { enabled: true } },
});
provider.proxy = false;
provider.listen(Number(port), "127.0.0.1", () => {
  console.log(`oidc-provider listening on ${port}`);
});
