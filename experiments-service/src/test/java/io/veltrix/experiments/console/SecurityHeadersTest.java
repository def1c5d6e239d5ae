package io.veltrix.experiments.console;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import io.veltrix.experiments.support.Api;
import io.veltrix.testing.RealStackResource;
import org.junit.jupiter.api.Test;

/**
 * The browser pages carry a Content-Security-Policy (no inline script, nothing from another origin, never framed) and
 * every response the headers that are harmless on JSON too (README, "Security headers"). That the pages still work
 * under the policy is ConsoleBrowserTest's and DashboardBrowserTest's to show.
 */
@QuarkusTest
@QuarkusTestResource(value = RealStackResource.class, restrictToAnnotatedClass = false)
class SecurityHeadersTest {

    @Test
    void theConsolePagesHaveAPolicyWithoutInlineScripts() {
        for (String page : new String[] {"/console/", "/console/signin.html", "/console/experiment.html",
                "/console/edit.html", "/console/data-quality.html"}) {
            page(page).header("Content-Security-Policy", containsString("default-src 'self'"))
                    .header("Content-Security-Policy", containsString("script-src 'self' 'unsafe-eval';"))
                    .header("Content-Security-Policy", not(containsString("unsafe-inline")))
                    .header("Content-Security-Policy", containsString("connect-src 'self'"))
                    .header("Content-Security-Policy", containsString("frame-ancestors 'none'"))
                    .header("Content-Security-Policy", containsString("object-src 'none'"))
                    .header("Content-Security-Policy", containsString("base-uri 'self'"));
        }
    }

    @Test
    void theDashboardHasAPolicyWithoutEval() {
        page("/dashboard").header("Content-Security-Policy", containsString("default-src 'self'"))
                .header("Content-Security-Policy", not(containsString("unsafe-")))
                .header("Content-Security-Policy", containsString("frame-ancestors 'none'"))
                .header("Content-Security-Policy", containsString("object-src 'none'"));
    }

    @Test
    void apiResponsesAreNeitherSniffedNorFramed() {
        browserHeaders(Api.reader().get("/api/v1/experiments").then().statusCode(200));
        browserHeaders(given().get("/api/v1/experiments").then().statusCode(401));
    }

    private static ValidatableResponse page(String path) {
        return browserHeaders(given().get(path).then().statusCode(200).contentType(containsString("text/html")));
    }

    private static ValidatableResponse browserHeaders(ValidatableResponse response) {
        return response.header("X-Content-Type-Options", equalTo("nosniff"))
                .header("Referrer-Policy", equalTo("no-referrer"))
                .header("X-Frame-Options", equalTo("DENY"));
    }
}
