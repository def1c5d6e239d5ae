package io.veltrix.experiments.security;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import io.veltrix.experiments.support.Api;
import io.veltrix.testing.RealStackResource;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The security model of the experiments API, call by call: the admin token changes and reads, the analyst (read)
 * token reads results and traffic and changes nothing, the SDK key shipped in game clients reads assignments and
 * the SDK payload and nothing else, and an endpoint that declares no role is refused to all of them.
 */
@QuarkusTest
@QuarkusTestResource(value = RealStackResource.class, restrictToAnnotatedClass = false)
class RolesTest {

    private static final String KEY = Api.uniqueKey("roles");

    private static void create() {
        if (Api.admin().get("/api/v1/experiments/" + KEY).statusCode() == 404) {
            Api.admin().body(Api.twoVariants(KEY, 1, 0.5)).post("/api/v1/experiments").then().statusCode(201);
            Api.admin().post("/api/v1/experiments/" + KEY + "/start").then().statusCode(200);
        }
    }

    /** Each call and what each credential gets (200 = allowed, whatever the call itself answers then). */
    @Test
    void eachRoleGetsExactlyItsCalls() {
        create();
        Map<String, Supplier<RequestSpecification>> who = Map.of("admin", Api::admin, "analyst", Api::reader, "sdk", Api::sdk);
        // call -> allowed for admin, analyst, sdk
        record Call(String method, String path, boolean admin, boolean analyst, boolean sdk) {
        }
        Call[] calls = {
                new Call("GET", "/api/v1/experiments", true, true, false),
                new Call("GET", "/api/v1/experiments/" + KEY, true, true, false),
                new Call("GET", "/api/v1/experiments/" + KEY + "/phases", true, true, false),
                new Call("GET", "/api/v1/experiments/" + KEY + "/results", true, true, false),
                new Call("GET", "/api/v1/experiments/" + KEY + "/timeseries", true, true, false),
                new Call("GET", "/api/v1/traffic/purchase_completed", true, true, false),
                new Call("GET", "/api/v1/catalog/events", true, true, false),
                new Call("GET", "/api/v1/session", true, true, false),
                // allowed: passed on to ingest (not running here: 502), refused: 403 before ingest is asked
                new Call("GET", "/api/v1/data-quality/rejections", true, true, false),
                new Call("GET", "/api/v1/experiments/" + KEY + "/assignment?playerId=p-1", true, true, true),
                new Call("GET", "/api/v1/assignments?playerId=p-1", true, false, true),
                new Call("GET", "/api/v1/sdk/features", true, false, true),
                // changes, sent with a body that would be refused as invalid (400) once allowed, so nothing changes
                new Call("POST", "/api/v1/experiments", true, false, false),
                new Call("PUT", "/api/v1/experiments/" + KEY, true, false, false),
        };
        for (Call call : calls) {
            for (var entry : who.entrySet()) {
                boolean allowed = switch (entry.getKey()) {
                    case "admin" -> call.admin();
                    case "analyst" -> call.analyst();
                    default -> call.sdk();
                };
                RequestSpecification request = entry.getValue().get().contentType("application/json").body("{\"key\": 1}");
                int status = request.request(call.method(), call.path()).statusCode();
                if (allowed) {
                    org.junit.jupiter.api.Assertions.assertTrue(status != 401 && status != 403,
                            entry.getKey() + " must be allowed " + call.method() + " " + call.path() + ", got " + status);
                } else {
                    org.junit.jupiter.api.Assertions.assertEquals(403, status,
                            entry.getKey() + " must be refused " + call.method() + " " + call.path());
                }
            }
            org.junit.jupiter.api.Assertions.assertEquals(401, given().contentType("application/json").body("{\"key\": 1}")
                            .request(call.method(), call.path()).statusCode(),
                    "no token: " + call.method() + " " + call.path());
        }
    }

    @Test
    void theLifeCycleNeedsTheAdminRole() {
        create();
        for (String action : new String[] {"stop", "archive", "start"}) {
            Api.reader().post("/api/v1/experiments/" + KEY + "/" + action).then().statusCode(403).body("error", equalTo("forbidden"));
            Api.sdk().post("/api/v1/experiments/" + KEY + "/" + action).then().statusCode(403);
        }
        Api.admin().get("/api/v1/experiments/" + KEY).then().statusCode(200).body("status", equalTo("running"));
    }

    @Test
    void onlyTheSdkKeyIsAcceptedInGrowthBooksUrl() {
        given().get("/api/features/" + Api.SDK_KEY).then().statusCode(200).body("status", equalTo(200));
        // the tokens that can read results or change experiments never go into a URL (access logs, proxies)
        given().get("/api/features/" + Api.READ_TOKEN).then().statusCode(401);
        given().get("/api/features/" + Api.ADMIN_TOKEN).then().statusCode(401);
        given().get("/api/features/unknown").then().statusCode(401);
    }

    @Test
    void anEndpointThatDeclaresNoRoleIsRefusedToEverybody() {
        Api.admin().get("/test-only/undeclared").then().statusCode(403);
        Api.reader().get("/test-only/undeclared").then().statusCode(403);
        Api.sdk().get("/test-only/undeclared").then().statusCode(403);
        given().get("/test-only/undeclared").then().statusCode(401);
    }

    @Test
    void anUnknownTokenOrAnotherSchemeIsNotAnIdentity() {
        given().header("Authorization", "Bearer not-a-token").get("/api/v1/experiments").then().statusCode(401)
                .body("error", equalTo("unauthorized"));
        given().header("Authorization", "Basic dGVzdC1hZG1pbi10b2tlbjo=").get("/api/v1/experiments").then().statusCode(401);
        given().header("Authorization", "Bearer " + Api.ADMIN_TOKEN + "x").get("/api/v1/experiments").then().statusCode(401);
    }
}
