package io.veltrix.systemtests.simulator;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.path.json.JsonPath;
import io.veltrix.testing.Browser;
import io.veltrix.testing.TestServices;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console on real traffic: the simulator creates and starts an experiment and plays the game into ingest; the
 * processor counts it; in headless Chromium the marketing team's console (signed in with the admin token) shows the
 * participants the pipeline counted in each variant, the primary metric's result and the live chart by minute, and
 * stops the experiment with a confirmation. Nothing is seeded into the database: every number on the page went
 * through ingest, Pulsar and the processor. (experiments-service's ConsoleBrowserTest covers the rest of the console
 * on seeded data: the form, its field errors, the weight change, the analyst's view, accessibility.)
 */
class ConsoleLiveTrafficTest {

    private static final String ADMIN_TOKEN = TestServices.EXPERIMENTS_ADMIN_TOKEN;
    private static final String READ_TOKEN = TestServices.EXPERIMENTS_READ_TOKEN;

    private static TestServices services;
    private static String experiments;
    private static ChromeDriver browser;

    private final String key = "console-live-" + UUID.randomUUID().toString().substring(0, 8);

    @BeforeAll
    static void platform() throws Exception {
        services = TestServices.get();
        experiments = services.url(TestServices.EXPERIMENTS);
        browser = Browser.start(1600);
    }

    @AfterAll
    static void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    /** Other tests share the experiments database: leave no running experiment behind (a no-op once stopped). */
    @AfterEach
    void stopTheExperiment() {
        given().baseUri(experiments).auth().oauth2(ADMIN_TOKEN).when().post("/api/v1/experiments/" + key + "/stop");
    }

    @Test
    void theConsoleShowsWhatThePipelineCountedAndStopsTheExperiment() throws Exception {
        SimulatorProcess.Outcome outcome = SimulatorProcess.demo(services, key, 300, 300, "15s", 23);
        assertEquals(0, outcome.exitCode(), outcome.output());

        // the pipeline has counted the traffic once the participants stop changing
        long[] counted = await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(3))
                .until(new java.util.concurrent.Callable<long[]>() {
                    private long[] previous = {-1, -1};

                    @Override
                    public long[] call() {
                        long[] now = participants();
                        boolean settled = now[0] == previous[0] && now[1] == previous[1];
                        previous = now;
                        return settled ? now : null;
                    }
                }, c -> c != null && c[0] >= 50 && c[1] >= 50);

        String root = experiments.endsWith("/") ? experiments : experiments + "/";
        signIn(root);
        browser.get(root + "console/experiment.html?key=" + key);
        waitLoaded();
        assertEquals("RUNNING", browser.findElement(By.id("status")).getText());
        assertEquals(String.valueOf(counted[0]), cell("#variants tr[data-variant='control'] td:last-child"));
        assertEquals(String.valueOf(counted[1]), cell("#variants tr[data-variant='bonus_chest'] td:last-child"));
        String primary = cell(".metric-result[data-metric='purchase_completed'] tr[data-variant='bonus_chest']");
        assertTrue(primary.startsWith("bonus_chest " + counted[1] + " "), primary);
        // the live view by minute: a chart drawn from the traffic the processor counted
        wait(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#live .uplot canvas")));
        assertTrue(cell("#live figcaption").contains("by minute"), cell("#live figcaption"));

        // stop it from the console: the confirmation says what happens
        browser.findElement(By.id("action-stop")).click();
        wait(ExpectedConditions.visibilityOfElementLocated(By.id("confirm-text")));
        String confirmation = cell("#confirm-text");
        assertTrue(confirmation.contains("phase 1 closes"), confirmation);
        browser.findElement(By.id("confirm-yes")).click();
        wait(ExpectedConditions.textToBe(By.id("status"), "STOPPED"));
        assertEquals("stopped", given().baseUri(experiments).auth().oauth2(READ_TOKEN)
                .when().get("/api/v1/experiments/" + key).then().statusCode(200).extract().jsonPath().getString("status"));
        assertFalse(browser.getCurrentUrl().contains(ADMIN_TOKEN), "the token never goes into a URL");
    }

    /** [control, bonus_chest] participants as the results API reports them. */
    private long[] participants() {
        JsonPath results = given().baseUri(experiments).auth().oauth2(READ_TOKEN)
                .when().get("/api/v1/experiments/" + key + "/results").then().statusCode(200).extract().jsonPath();
        return new long[] {results.getLong("variants.find { it.key == 'control' }.participants"),
                results.getLong("variants.find { it.key == 'bonus_chest' }.participants")};
    }

    private static void signIn(String root) {
        browser.get(root + "console/signin.html");
        ((JavascriptExecutor) browser).executeScript("sessionStorage.clear()");
        browser.navigate().refresh();
        wait(ExpectedConditions.visibilityOfElementLocated(By.id("token"))).sendKeys(ADMIN_TOKEN);
        browser.findElement(By.cssSelector("#signin button")).click();
        wait(ExpectedConditions.urlToBe(root + "console/"));
        waitLoaded();
    }

    private static String cell(String css) {
        return browser.findElement(By.cssSelector(css)).getText();
    }

    private static void waitLoaded() {
        // by script: the page may be replaced by the next one meanwhile (a stale element)
        wait(d -> "true".equals(((JavascriptExecutor) d).executeScript(
                "const m = document.querySelector('main[data-loaded]'); return m && m.dataset.loaded")));
    }

    private static <T> T wait(java.util.function.Function<WebDriver, T> condition) {
        return new WebDriverWait(browser, Duration.ofSeconds(30)).until(condition);
    }
}
