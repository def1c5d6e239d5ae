package io.veltrix.ingest.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.veltrix.testing.RealStackResource;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What a browser needs (Segment's analytics.js on a web build of a game, origin {@code http://game.example} in the
 * test profile): the CORS preflight answered with credentials allowed, the short paths (/v1/t, /v1/p, ...) with the
 * write key in a text/plain body, and the media types that are refused.
 */
@QuarkusTest
@QuarkusTestResource(value = RealStackResource.class, restrictToAnnotatedClass = false)
class BrowserEdgeTest {

    static final String ORIGIN = "http://game.example";

    @Test
    void thePreflightOfAConfiguredOriginIsAnsweredWithCredentialsAllowed() {
        given().header("Origin", ORIGIN).header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "content-type")
                .when().options("/v1/t")
                .then().statusCode(200)
                .header("Access-Control-Allow-Origin", ORIGIN)
                .header("Access-Control-Allow-Credentials", "true");
    }

    @Test
    void aBrowserPostsTextPlainToTheShortPathWithTheWriteKeyInTheBody() {
        String id = "browser-" + UUID.randomUUID();
        given().header("Origin", ORIGIN).contentType("text/plain;charset=UTF-8")
                .body("{\"type\":\"page\",\"anonymousId\":\"anon-" + id + "\",\"messageId\":\"" + id
                        + "\",\"writeKey\":\"test-write-key\",\"name\":\"Home\"}")
                .when().post("/v1/p")
                .then().statusCode(200)
                .header("Access-Control-Allow-Origin", ORIGIN)
                .header("Access-Control-Allow-Credentials", "true")
                .body("accepted", equalTo(1)).body("results[0].messageId", equalTo(id));
    }

    @Test
    void anOriginThatIsNotConfiguredIsRefused() {
        given().header("Origin", "http://elsewhere.example").contentType("text/plain")
                .body("{\"type\":\"page\",\"anonymousId\":\"a\",\"writeKey\":\"test-write-key\"}")
                .when().post("/v1/p")
                .then().statusCode(403);
    }

    @Test
    void aFormOrXmlBodyIsRefused415() {
        given().auth().preemptive().basic("test-write-key", "").contentType("application/x-www-form-urlencoded")
                .body("type=page&userId=p").when().post("/v1/page")
                .then().statusCode(415).body("reason", equalTo("unsupported_media_type"));
        given().auth().preemptive().basic("test-write-key", "").contentType("application/xml")
                .body("<batch/>").when().post("/v1/batch")
                .then().statusCode(415).body("reason", equalTo("unsupported_media_type"));
    }
}
