// node-oidc-provider (https://github.com/panva/node-oidc-provider, a certified OpenID Provider)
// with its default settings, on loopback, for tests/accounts/test_node_oidc.py.
// Usage: node node_oidc_provider.mjs <client_id> <client_secret> <redirect_uri>
// Prints "ISSUER <url>" once listening. Any login name signs in as that subject (the provider's
// development interactions); e-mail and name are returned by findAccount's claims(), which the
// provider serves from the UserInfo endpoint (the ID token carries only sub by default).
import Provider from "oidc-provider";

const [clientId, clientSecret, redirectUri] = process.argv.slice(2);
const accounts = {
  "minji": { sub: "minji", email: "minji@example.org", email_verified: true, name: "Kim Minji" },
};

const configuration = {
  clients: [{ client_id: clientId, client_secret: clientSecret, redirect_uris: [redirectUri],
              grant_types: ["authorization_code"], response_types: ["code"] }],
  claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
  async findAccount(ctx, id) {
    const claims = accounts[id] || { sub: id };
    return { accountId: id, async claims() { return claims; } };
  },
};

const server = (await import("node:http")).createServer();
server.listen(0, "127.0.0.1", () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, configuration);
  provider.proxy = false;
  server.on("request", provider.callback());
  console.log(`ISSUER ${issuer}`);
});
