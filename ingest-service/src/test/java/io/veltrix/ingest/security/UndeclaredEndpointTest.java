package io.veltrix.ingest.security;

import static io.restassured.RestAssured.given;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.veltrix.testing.RealStackResource;
import org.junit.jupiter.api.Test;

/** quarkus.security.jaxrs.deny-unannotated-endpoints: an endpoint without a role declaration is refused to all. */
@QuarkusTest
@QuarkusTestResource(value = RealStackResource.class, restrictToAnnotatedClass = false)
class UndeclaredEndpointTest {

    @Test
    void anEndpointThatDeclaresNoRoleIsRefusedToEverybody() {
        given().header("Authorization", "Bearer test-admin-token").get("/test-only/undeclared").then().statusCode(403);
        given().header("Authorization", "Bearer test-read-token").get("/test-only/undeclared").then().statusCode(403);
        given().get("/test-only/undeclared").then().statusCode(401);
    }
}
