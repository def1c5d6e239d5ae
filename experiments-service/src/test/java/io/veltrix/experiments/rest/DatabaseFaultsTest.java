package io.veltrix.experiments.rest;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.veltrix.experiments.support.Api;
import io.veltrix.stack.StackInfo;
import io.veltrix.testing.Database;
import io.veltrix.testing.LogCapture;
import io.veltrix.testing.RealStackResource;
import java.net.URL;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Faults of the real PostgreSQL that are not the client's: the API answers 503 with a machine-readable reason and a
 * Retry-After (not a 500), readiness says what is wrong, reads go on where the database still allows them, and the
 * service works again by itself once the fault is repaired.
 */
@QuarkusTest
@QuarkusTestResource(value = RealStackResource.class, restrictToAnnotatedClass = false)
class DatabaseFaultsTest {

    /** The management interface (health, metrics, OpenAPI: a port of their own). */
    @TestHTTPResource(value = "/", management = true)
    URL management;

    private static Database admin;
    private static String role;

    @BeforeAll
    static void administrator() {
        StackInfo stack = RealStackResource.TestStack.get();
        admin = Database.admin(stack);
        role = "\"" + stack.experimentsDb().user() + "\"";
    }

    @Test
    void aWriteWhileTheDatabaseIsReadOnlyIsRefusedWith503AndWorksAgainAfterTheRepair() {
        Api.admin().body(Api.twoVariants(Api.uniqueKey("ro-before"), 1.0, 0.5)).post("/api/v1/experiments").then().statusCode(201);
        try {
            // a failover to a read-only server, as the service meets it: its connections drop, the new ones are read-only
            admin.execute("alter role " + role + " set default_transaction_read_only = on");
            endSessions();
            // every write is refused with 503 (never a 500): first on the pool's connections that were ended
            // (database_unavailable), then by the read-only server (database_read_only)
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() -> {
                var answer = Api.admin().body(Api.twoVariants(Api.uniqueKey("ro-during"), 1.0, 0.5))
                        .post("/api/v1/experiments").then().statusCode(503).header("Retry-After", notNullValue())
                        .body("error", org.hamcrest.Matchers.oneOf("database_unavailable", "database_read_only"))
                        .extract();
                return "database_read_only".equals(answer.path("error"));
            });
            // reads go on
            Api.admin().get("/api/v1/experiments").then().statusCode(200);
            given().port(management.getPort()).get("/q/health/ready").then()
                    .body("checks.find { it.name == 'experiments-database' }.data.writable", equalTo(false));
        } finally {
            admin.execute("alter role " + role + " reset default_transaction_read_only");
        }
        // the primary is back: writes work again without a restart, once the connections opened during the fault (a
        // session keeps the read-only default it connected with) have ended: they live 30 s at most
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() -> Api.admin()
                .body(Api.twoVariants(Api.uniqueKey("ro-after"), 1.0, 0.5)).post("/api/v1/experiments").statusCode() == 201);
        // and readiness says so once the connections opened during the fault have ended (they live 30 s at most)
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() -> Boolean.TRUE.equals(
                given().port(management.getPort()).get("/q/health/ready").then().extract().jsonPath()
                        .get("checks.find { it.name == 'experiments-database' }.data.writable")));
    }

    @Test
    void aDatabaseThatRefusesTheServiceIsAnsweredWith503AndReadinessDown() {
        // what Vert.x reports as uncaught: Pool.query's own wait for a connection fails a second time when its 30-s
        // timer ends after the connection was refused (vertx-sql-client issue 1706), a stack trace per readiness probe
        try (LogCapture uncaught = LogCapture.of(LogCapture.VERTX_UNCAUGHT)) {
            long refusedSince = System.nanoTime();
            try {
                // "too many connections" for the service's role: its sessions end, new ones are refused (SQLSTATE 53300)
                admin.execute("alter role " + role + " connection limit 0");
                endSessions();
                Api.admin().get("/api/v1/experiments").then().statusCode(503).header("Retry-After", notNullValue())
                        .body("error", equalTo("database_unavailable"));
                Api.admin().body(Api.twoVariants(Api.uniqueKey("refused"), 1.0, 0.5)).post("/api/v1/experiments").then()
                        .statusCode(503).body("error", equalTo("database_unavailable"));
                given().port(management.getPort()).get("/q/health/ready").then().statusCode(503)
                        .body("checks.name", hasItem("experiments-database"));
            } finally {
                admin.execute("alter role " + role + " connection limit -1");
            }
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> Api.admin().get("/api/v1/experiments").statusCode() == 200);
            // nothing logged as uncaught, until well after that timer would have ended
            uncaught.assertNothingLoggedUntil(refusedSince, Duration.ofSeconds(33));
        }
    }

    private static void endSessions() {
        admin.rows("select pg_terminate_backend(pid) from pg_stat_activity where usename = ? and pid <> pg_backend_pid()",
                role.replace("\"", ""));
    }
}
