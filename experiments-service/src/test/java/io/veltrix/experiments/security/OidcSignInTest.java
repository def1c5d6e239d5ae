package io.veltrix.experiments.security;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.smallrye.jwt.build.Jwt;
import io.veltrix.experiments.support.Api;
import io.veltrix.experiments.support.Seeder;
import io.veltrix.testing.RealStackResource;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Signing in with the team's own identity provider (Quarkus OIDC, README "Security model"): a JSON Web Token of the
 * provider is verified (here against the provider's public key, the way a configured issuer's keys are), its groups
 * are mapped onto the platform's roles, and the platform's own tokens keep working beside it. Forged, expired and
 * unmapped tokens get nothing.
 */
@QuarkusTest
@TestProfile(OidcSignInTest.WithIdentityProvider.class)
@QuarkusTestResource(value = RealStackResource.class, restrictToAnnotatedClass = false)
class OidcSignInTest {

    /** The stand-in provider's signing key (its public half is what the service trusts). */
    static final KeyPair PROVIDER = keyPair();
    private static final KeyPair STRANGER = keyPair();

    /** The service as a team would configure it for its provider; groups named as the team names them. */
    public static class WithIdentityProvider implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "quarkus.oidc.tenant-enabled", "true",
                    "quarkus.oidc.public-key", Base64.getEncoder().encodeToString(PROVIDER.getPublic().getEncoded()),
                    "quarkus.oidc.token.issuer", "https://id.studio.example/realms/games",
                    "quarkus.http.auth.roles-mapping.\"marketing\"", "analyst",
                    "quarkus.http.auth.roles-mapping.\"live-ops-leads\"", "admin");
        }
    }

    @Test
    void aMarketerReadsResultsAndChangesNothing() {
        String token = token(PROVIDER.getPrivate(), "maria", Set.of("marketing"), Instant.now().plusSeconds(300));
        given().auth().oauth2(token).get("/api/v1/session").then().statusCode(200)
                .body("roles", hasItem("analyst")).body("canWrite", equalTo(false));
        given().auth().oauth2(token).get("/api/v1/experiments").then().statusCode(200);
        given().auth().oauth2(token).contentType(ContentType.JSON).body(Api.twoVariants(Api.uniqueKey("oidc"), 1, 0.5))
                .post("/api/v1/experiments").then().statusCode(403).body("error", equalTo("forbidden"));
    }

    @Test
    void aLiveOpsLeadMappedToAdminAloneChangesAndReadsExperiments() throws Exception {
        String token = token(PROVIDER.getPrivate(), "lee", Set.of("live-ops-leads"), Instant.now().plusSeconds(300));
        given().auth().oauth2(token).get("/api/v1/session").then().statusCode(200).body("canWrite", equalTo(true))
                .body("roles", hasItem("analyst"));
        String key = Api.uniqueKey("oidc");
        given().auth().oauth2(token).contentType(ContentType.JSON).body(Api.twoVariants(key, 1, 0.5))
                .post("/api/v1/experiments").then().statusCode(201);
        given().auth().oauth2(token).post("/api/v1/experiments/" + key + "/start").then().statusCode(200);
        // admin implies analyst (security: AdminImpliesAnalyst), though the group is mapped to admin only
        new Seeder().close(); // the processor's tables the results are read from
        given().auth().oauth2(token).get("/api/v1/experiments/" + key + "/results").then().statusCode(200)
                .body("experimentKey", equalTo(key));
        given().auth().oauth2(token).get("/api/v1/experiments").then().statusCode(200);
        // nothing implied for the SDK key
        Api.sdk().get("/api/v1/experiments/" + key + "/results").then().statusCode(403);
    }

    @Test
    void forgedExpiredOrUnmappedTokensGetNothing() {
        String forged = token(STRANGER.getPrivate(), "mallory", Set.of("live-ops-leads"), Instant.now().plusSeconds(300));
        given().auth().oauth2(forged).get("/api/v1/experiments").then().statusCode(401).body("error", equalTo("unauthorized"));
        String expired = token(PROVIDER.getPrivate(), "maria", Set.of("marketing"), Instant.now().minusSeconds(600));
        given().auth().oauth2(expired).get("/api/v1/experiments").then().statusCode(401);
        // a member of the studio with no group the platform knows: signed in, but no role
        String unmapped = token(PROVIDER.getPrivate(), "sam", Set.of("finance"), Instant.now().plusSeconds(300));
        given().auth().oauth2(unmapped).get("/api/v1/experiments").then().statusCode(403);
    }

    @Test
    void thePlatformsOwnTokensKeepWorking() {
        Api.admin().get("/api/v1/experiments").then().statusCode(200);
        Api.reader().post("/api/v1/experiments/none/stop").then().statusCode(403);
        given().auth().oauth2("not-a-token").get("/api/v1/experiments").then().statusCode(401);
    }

    private static String token(PrivateKey key, String user, Set<String> groups, Instant expires) {
        return Jwt.issuer("https://id.studio.example/realms/games").subject(user).upn(user).groups(groups)
                .issuedAt(expires.minusSeconds(900)).expiresAt(expires).jws().sign(key);
    }

    private static KeyPair keyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
