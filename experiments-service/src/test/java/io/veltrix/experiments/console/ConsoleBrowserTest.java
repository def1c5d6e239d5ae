package io.veltrix.experiments.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.veltrix.experiments.support.Api;
import io.veltrix.testing.Browser;
import io.veltrix.experiments.support.Seeder;
import io.veltrix.testing.RealStackResource;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console in headless Chromium, as the marketing team uses it: sign in, create an experiment with metrics from the
 * catalogue (after the API's field errors were shown next to the fields), start it, watch participants arrive, change
 * a weight (a new phase, said before saving), stop it; an analyst sees no write controls and the API refuses them
 * anyway; the data-quality page shows ingest's rejections and the live traffic. axe-core checks every page for
 * serious or critical accessibility violations. Screenshots go to target/console-*.png.
 */
@QuarkusTest
@QuarkusTestResource(value = RealStackResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = IngestStub.class, restrictToAnnotatedClass = true)
class ConsoleBrowserTest {

    @TestHTTPResource("/")
    URL root;

    private static ChromeDriver browser;
    private static String axe;

    @BeforeAll
    static void openBrowser() throws Exception {
        browser = Browser.start(1600);
        try (InputStream in = ConsoleBrowserTest.class.getClassLoader()
                .getResourceAsStream("META-INF/resources/webjars/axe-core/4.6.3/axe.min.js")) {
            axe = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @AfterAll
    static void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    /** The pages run under their Content-Security-Policy (application.properties): nothing refused on the way. */
    @AfterEach
    void noContentSecurityPolicyViolation() {
        assertEquals(List.of(), Browser.policyViolations(browser));
    }

    @Test
    void anAdminCreatesStartsWatchesChangesAndStopsAnExperiment() throws Exception {
        signIn(Api.ADMIN_TOKEN);
        assertFalse(browser.getCurrentUrl().contains(Api.ADMIN_TOKEN));
        checkAccessibility("experiment list");

        browser.findElement(By.id("new-experiment")).click();
        wait(ExpectedConditions.visibilityOfElementLocated(By.id("experiment-form")));
        checkAccessibility("new experiment form");
        String key = Api.uniqueKey("console");

        // wrong input first: a key with a space, no name, weights that add up to 1.4, parameters that are not JSON
        type("f-key", "bad key");
        type("v-weight-0", "0.7");
        type("v-weight-1", "0.7");
        type("v-params-1", "{coins_multiplier: 2");
        wait(ExpectedConditions.textToBePresentInElementLocated(By.id("err-v-params-1"), "Not valid JSON"));
        type("v-params-1", "{\"coins_multiplier\": 2}");
        wait(ExpectedConditions.textToBe(By.id("err-v-params-1"), ""));
        new Select(browser.findElement(By.id("m-primary-name"))).selectByValue("purchase_completed");
        browser.findElement(By.id("save")).click();
        wait(ExpectedConditions.textToBe(By.id("err-name"), "required"));
        assertTrue(fieldError("variants").contains("the weights must add up to 1"), fieldError("variants"));
        assertFalse(fieldError("key").isEmpty(), "the key's error is shown next to it");
        assertEquals("true", browser.findElement(By.id("f-name")).getDomAttribute("aria-invalid"));
        checkAccessibility("form with field errors");
        screenshot(browser.findElement(By.tagName("main")), "console-edit.png");

        type("f-key", key);
        type("f-name", "Console bonus " + key);
        type("f-description", "A 2x coin chest makes players buy more");
        type("v-weight-0", "0.5");
        type("v-weight-1", "0.5");
        new Select(browser.findElement(By.id("m-primary-kind"))).selectByValue("conversion");
        browser.findElement(By.id("add-guardrail")).click();
        new Select(browser.findElement(By.id("m-g-name-0"))).selectByValue("purchase_completed.revenue");
        browser.findElement(By.id("save")).click();
        waitLoaded();
        assertEquals("DRAFT", browser.findElement(By.id("status")).getText());
        JsonPath stored = Api.reader().get("/api/v1/experiments/" + key).then().statusCode(200).extract().jsonPath();
        assertEquals("purchase_completed", stored.getString("primaryMetric.name"));
        assertEquals("conversion", stored.getString("primaryMetric.kind"));
        assertEquals("purchase_completed.revenue", stored.getString("guardrailMetrics[0].name"));
        assertEquals("mean", stored.getString("guardrailMetrics[0].kind"));
        assertEquals(2, stored.getInt("variants[1].parameters.coins_multiplier"));

        act("action-start", "phase 1 opens");
        wait(ExpectedConditions.textToBe(By.id("status"), "RUNNING"));

        // simulated traffic: 150 players per variant exposed in the last hour, some of them buying
        Instant now = Instant.now();
        try (Seeder seeder = new Seeder()) {
            seeder.backdateCurrentPhase(key, Duration.ofHours(2));
            seeder.variant(key, "control", 150, 15, 1, 4.99, now.minus(Duration.ofMinutes(90)), now.minus(Duration.ofMinutes(25)));
            seeder.variant(key, "treatment", 150, 40, 1, 4.99, now.minus(Duration.ofMinutes(90)), now.minus(Duration.ofMinutes(25)));
        }
        browser.navigate().refresh();
        waitLoaded();
        wait(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#live .uplot canvas")));
        assertEquals("150", browser.findElement(By.cssSelector("#variants tr[data-variant='treatment'] td:last-child")).getText());
        WebElement primary = browser.findElement(By.cssSelector(".metric-result[data-metric='purchase_completed'] tr[data-variant='treatment']"));
        assertTrue(primary.getText().startsWith("treatment 150 26.7% +166.7%"), primary.getText());
        assertTrue(browser.findElement(By.cssSelector(".method")).getText().startsWith("Anytime-valid"));
        assertTrue(browser.findElement(By.cssSelector(".metric-result[data-metric='purchase_completed.revenue']")).isDisplayed());
        assertEquals(1, browser.findElements(By.cssSelector("#power tr[data-variant='treatment'] td.days-to-go")).size());
        assertTrue(browser.findElement(By.cssSelector("#live figcaption")).getText().contains("by minute"),
                browser.findElement(By.cssSelector("#live figcaption")).getText());
        checkAccessibility("experiment page");
        screenshot(browser.findElement(By.tagName("main")), "console-experiment.png");

        // the list: status, phase, days running, participants and the primary result at a glance
        browser.get(root + "console/");
        waitLoaded();
        WebElement listed = browser.findElement(By.cssSelector("#experiments tr[data-experiment='" + key + "']"));
        assertEquals("RUNNING", listed.findElement(By.cssSelector(".status")).getText());
        assertEquals("1", listed.findElement(By.cssSelector(".phase")).getText());
        assertEquals("300", listed.findElement(By.cssSelector(".participants")).getText());
        assertEquals("0.1", listed.findElement(By.cssSelector(".days")).getText());
        assertEquals("purchase_completed: treatment +166.7% · inconclusive", listed.findElement(By.cssSelector(".primary")).getText());
        type("search", "console");
        assertTrue(listed.isDisplayed(), "found by a word of its key and name");
        screenshot(browser.findElement(By.tagName("main")), "console-list.png");
        browser.get(root + "console/experiment.html?key=" + key);
        waitLoaded();

        // a weight change of a running experiment: the console says it opens a new phase before saving
        browser.findElement(By.id("edit")).click();
        wait(ExpectedConditions.visibilityOfElementLocated(By.id("experiment-form")));
        type("v-weight-0", "0.4");
        type("v-weight-1", "0.6");
        browser.findElement(By.id("save")).click();
        wait(ExpectedConditions.visibilityOfElementLocated(By.id("confirm-save")));
        browser.findElement(By.id("confirm-save")).click();
        waitLoaded();
        wait(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#phases tbody tr"), 2));

        act("action-stop", "phase 2 closes");
        wait(ExpectedConditions.textToBe(By.id("status"), "STOPPED"));
        Api.reader().get("/api/v1/experiments/" + key).then().statusCode(200)
                .body("status", org.hamcrest.Matchers.equalTo("stopped"));
        assertFalse(browser.findElement(By.cssSelector("#phases tr[data-phase='2'] td:nth-child(3)")).getText().equals("open"));

        // filter and search
        browser.get(root + "console/");
        waitLoaded();
        WebElement row = browser.findElement(By.cssSelector("#experiments tr[data-experiment='" + key + "']"));
        assertEquals("2", row.findElement(By.cssSelector(".phase")).getText());
        assertTrue(row.findElement(By.cssSelector(".primary")).getText().startsWith("purchase_completed: treatment"),
                row.findElement(By.cssSelector(".primary")).getText());
        type("search", key);
        assertEquals(1, browser.findElements(By.cssSelector("#experiments tbody tr")).size());
        new Select(browser.findElement(By.id("filter-status"))).selectByValue("running");
        assertEquals(0, browser.findElements(By.cssSelector("#experiments tbody tr")).size());
        new Select(browser.findElement(By.id("filter-status"))).selectByValue("stopped");
        assertEquals(1, browser.findElements(By.cssSelector("#experiments tbody tr")).size());
    }

    @Test
    void anAnalystSeesNoWriteControlsAndTheApiRefusesChanges() throws Exception {
        String key = Api.uniqueKey("console-ro");
        Api.createAndStart(Api.twoVariants(key, 1, 0.5), key);
        browser.get(root + "console/signin.html");
        ((JavascriptExecutor) browser).executeScript("sessionStorage.clear()");
        browser.findElement(By.id("token")).sendKeys("not-a-token");
        browser.findElement(By.cssSelector("#signin button")).click();
        wait(ExpectedConditions.textToBePresentInElementLocated(By.id("signin-error"), "That token was refused"));
        checkAccessibility("sign-in page");
        screenshot(browser.findElement(By.tagName("main")), "console-signin.png");
        signIn(Api.READ_TOKEN);
        assertTrue(browser.findElements(By.id("new-experiment")).isEmpty(), "no New experiment link");
        browser.get(root + "console/experiment.html?key=" + key);
        waitLoaded();
        assertEquals("RUNNING", browser.findElement(By.id("status")).getText());
        assertTrue(browser.findElements(By.cssSelector("#actions button, #actions a")).isEmpty(), "no write controls");
        Object status = ((JavascriptExecutor) browser).executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                fetch('/api/v1/experiments/' + arguments[0] + '/stop', {method: 'POST',
                    headers: {Authorization: 'Bearer ' + sessionStorage.getItem('veltrix.console.token')}})
                  .then(r => done(r.status), e => done(String(e)));""", key);
        assertEquals(403L, status);
        Api.reader().get("/api/v1/experiments/" + key).then().body("status", org.hamcrest.Matchers.equalTo("running"));
    }

    @Test
    void theDataQualityPageShowsIngestsRejectionsAndTheLiveTraffic() throws Exception {
        try (Seeder seeder = new Seeder()) {
            seeder.traffic("clue_found", Instant.now().minus(Duration.ofMinutes(5)), 37);
        }
        signIn(Api.READ_TOKEN);
        browser.get(root + "console/data-quality.html");
        waitLoaded();
        assertEquals("7", browser.findElement(By.cssSelector("#rejections .total strong")).getText());
        assertEquals(List.of("wrong_type 5", "unknown_event_type 2"), rows("#byReason tbody tr"));
        assertEquals(List.of("treasure_claimed:3 5", "(none) 2"), rows("#bySchemaVersion tbody tr"));
        assertEquals(List.of("@segment/analytics-node 3.1.0 5", "analytics-unity 1.2.0 2"), rows("#bySdk tbody tr"));
        assertTrue(rows("#groups tbody tr").get(0).contains("$.batch[3].properties.coins expected a number, got a string"),
                rows("#groups tbody tr").get(0));
        assertEquals("Bearer " + Api.READ_TOKEN, IngestStub.lastAuthorization);
        long clues = Long.parseLong(browser.findElement(By.cssSelector("#traffic-table tr[data-event-type='clue_found'] .total"))
                .getText().replace(",", ""));
        assertTrue(clues >= 37, "clue_found in the last hour: " + clues);
        wait(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#traffic .uplot canvas")));
        checkAccessibility("data-quality page");
        screenshot(browser.findElement(By.tagName("main")), "console-data-quality.png");
    }

    private void signIn(String token) {
        browser.get(root + "console/signin.html");
        ((JavascriptExecutor) browser).executeScript("sessionStorage.clear()");
        browser.navigate().refresh();
        wait(ExpectedConditions.visibilityOfElementLocated(By.id("token"))).sendKeys(token);
        browser.findElement(By.cssSelector("#signin button")).click();
        wait(ExpectedConditions.urlToBe(root + "console/"));
        waitLoaded();
    }

    private static List<String> rows(String css) {
        return browser.findElements(By.cssSelector(css)).stream().map(WebElement::getText).toList();
    }

    private static String fieldError(String path) {
        return browser.findElement(By.cssSelector("[data-error-for='" + path + "']")).getText();
    }

    private static void type(String id, String text) {
        WebElement input = browser.findElement(By.id(id));
        input.clear();
        input.sendKeys(text);
    }

    /** Clicks a life-cycle button, checks that the confirmation says what happens, confirms. */
    private static void act(String button, String says) {
        browser.findElement(By.id(button)).click();
        wait(ExpectedConditions.visibilityOfElementLocated(By.id("confirm-text")));
        String text = browser.findElement(By.id("confirm-text")).getText();
        assertTrue(text.contains(says), text);
        browser.findElement(By.id("confirm-yes")).click();
    }

    private static void waitLoaded() {
        // by script: the page may be replaced by the next one meanwhile (a stale element)
        wait(d -> "true".equals(((JavascriptExecutor) d).executeScript(
                "const m = document.querySelector('main[data-loaded]'); return m && m.dataset.loaded")));
    }

    private static <T> T wait(org.openqa.selenium.support.ui.ExpectedCondition<T> condition) {
        return new WebDriverWait(browser, Duration.ofSeconds(30)).until(condition);
    }

    /** axe-core in the page: no serious or critical violation (WCAG 2 A/AA rules). */
    @SuppressWarnings("unchecked")
    private static void checkAccessibility(String page) {
        JavascriptExecutor js = browser;
        js.executeScript(axe);
        Object result = js.executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']}})
                  .then(r => done(r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
                      .map(v => v.id + ': ' + v.help + ' @ ' + v.nodes.map(n => n.target.join(' ')).join(', '))),
                        e => done(['axe failed: ' + e]));""");
        assertEquals(List.of(), result, "accessibility of the " + page);
    }

    private static void screenshot(WebElement element, String name) throws IOException {
        ((JavascriptExecutor) browser).executeScript("arguments[0].scrollIntoView(true)", element);
        Path file = element.getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(file, Path.of("target", name), StandardCopyOption.REPLACE_EXISTING);
    }
}
