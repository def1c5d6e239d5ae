package io.veltrix.processor.health;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.veltrix.stack.StackInfo;
import io.veltrix.testing.Database;
import io.veltrix.testing.LogCapture;
import io.veltrix.testing.RealStackResource;
import java.net.URL;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Readiness follows the real PostgreSQL even while no event flows: a database that refuses the processor's role makes
 * the {@code database} check DOWN, and lifting the refusal makes it UP again. And probing it meanwhile logs nothing
 * as uncaught (Quarkus' own datasource checks, now off, logged a stack trace 30 s after each such probe:
 * vertx-sql-client issue 1706).
 */
@QuarkusTest
@QuarkusTestResource(value = RealStackResource.class, restrictToAnnotatedClass = false)
class DatabaseReadinessTest {

    @TestHTTPResource(value = "/", management = true)
    URL management;

    private String databaseStatus() {
        JsonPath health = given().port(management.getPort()).get("/q/health/ready").then().extract().jsonPath();
        return health.getString("checks.find { it.name == 'database' }.status");
    }

    @Test
    void aDatabaseThatRefusesTheProcessorMakesItNotReadyAndLiftingItReadyAgainQuietly() {
        StackInfo stack = RealStackResource.TestStack.get();
        Database admin = Database.admin(stack);
        String role = stack.processorDb().user();
        await().atMost(Duration.ofSeconds(30)).until(this::databaseStatus, equalTo("UP")::matches);
        try (LogCapture uncaught = LogCapture.of(LogCapture.VERTX_UNCAUGHT)) {
            long refusedSince = System.nanoTime();
            try {
                // "too many connections" for the processor's role: its sessions end, new ones are refused (53300)
                admin.execute("alter role \"" + role + "\" connection limit 0");
                admin.rows("select pg_terminate_backend(pid) from pg_stat_activity where usename = ? and pid <> pg_backend_pid()",
                        role);
                await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500))
                        .until(this::databaseStatus, equalTo("DOWN")::matches);
                given().port(management.getPort()).get("/q/health/ready").then().statusCode(503);
            } finally {
                admin.execute("alter role \"" + role + "\" connection limit -1");
            }
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                    .until(this::databaseStatus, equalTo("UP")::matches);
            uncaught.assertNothingLoggedUntil(refusedSince, Duration.ofSeconds(33));
        }
    }
}
