package io.veltrix.experiments.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.veltrix.experiments.support.Api;
import io.veltrix.testing.Browser;
import io.veltrix.experiments.support.Seeder;
import io.veltrix.testing.RealStackResource;
import java.net.URL;
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
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in headless Chromium, as a person sees it: the experiments by name, the analysis method, a row per
 * variant, the interval bars drawn where the numbers say with the decision beside them, the traffic chart, power and
 * days to go, the SRM warning on a 45/55 split of a 50/50 experiment (and not on a healthy one), and a harmed
 * guardrail with players left out for seeing two variants. Screenshots go to target/dashboard-*.png.
 */
@QuarkusTest
@QuarkusTestResource(value = RealStackResource.class, restrictToAnnotatedClass = false)
class DashboardBrowserTest {

    /** The page runs under its Content-Security-Policy (application.properties): nothing refused on the way. */
    @AfterEach
    void noContentSecurityPolicyViolation() {
        assertEquals(List.of(), Browser.policyViolations(browser));
    }

    @TestHTTPResource("/dashboard")
    URL dashboard;

    private static ChromeDriver browser;

    @BeforeAll
    static void openBrowser() throws Exception {
        browser = Browser.start(2400);
    }

    @AfterAll
    static void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void showsResultsAsPicturesAndWarnsOfSampleRatioMismatch() throws Exception {
        String skewed = Api.uniqueKey("dash-srm");
        String healthy = Api.uniqueKey("dash-ok");
        String harmful = Api.uniqueKey("dash-harm");
        Api.createAndStart(Api.twoVariants(skewed, 1, 0.5), skewed);
        Api.createAndStart(Api.twoVariants(healthy, 1, 0.5), healthy);
        Api.createAndStart(Api.twoVariants(harmful, 1, 0.5), harmful);
        Instant now = Instant.now();
        try (Seeder seeder = new Seeder()) {
            seeder.backdateCurrentPhase(skewed, Duration.ofHours(20));
            seeder.variant(skewed, "control", 900, 90, 5, 4.99, now.minus(Duration.ofHours(18)), now);
            seeder.variant(skewed, "bonus", 1100, 220, 5, 4.99, now.minus(Duration.ofHours(18)), now);
            seeder.backdateCurrentPhase(healthy, Duration.ofHours(20));
            seeder.variant(healthy, "control", 1000, 100, 4, 4.99, now.minus(Duration.ofHours(18)), now);
            seeder.variant(healthy, "bonus", 1010, 98, 4, 4.99, now.minus(Duration.ofHours(18)), now);
            // same claims, but in bonus only one claimer in five buys: revenue (a guardrail) falls
            seeder.backdateCurrentPhase(harmful, Duration.ofHours(20));
            seeder.variant(harmful, "control", 1000, 100, 1, 4.99, now.minus(Duration.ofHours(18)), now);
            seeder.variant(harmful, "bonus", 1000, 100, 5, 4.99, now.minus(Duration.ofHours(18)), now);
            for (int i = 0; i < 25; i++) {
                seeder.player(harmful, "bonus", now.minus(Duration.ofHours(2))).multipleVariants();
            }
            seeder.flush();
        }

        browser.get("about:blank");
        browser.get(dashboard + "#token=" + Api.READ_TOKEN);
        new WebDriverWait(browser, Duration.ofSeconds(60))
                .until(ExpectedConditions.attributeToBe(By.tagName("body"), "data-loaded", "true"));
        // the token left the address bar
        assertFalse(browser.getCurrentUrl().contains(Api.READ_TOKEN));

        WebElement card = browser.findElement(By.cssSelector("section[data-experiment='" + skewed + "']"));
        assertEquals("Treasure bonus " + skewed + " RUNNING", card.findElement(By.tagName("h2")).getText());
        WebElement warning = card.findElement(By.cssSelector(".srm-warning"));
        assertTrue(warning.isDisplayed());
        assertTrue(warning.getText().startsWith("Sample ratio mismatch"), warning.getText());
        assertTrue(warning.getText().contains("control 900 / bonus 1,100"), warning.getText());
        List<WebElement> rows = card.findElements(By.cssSelector("table.variants tbody tr"));
        assertEquals(2, rows.size());
        assertTrue(rows.get(1).getText().startsWith("■ bonus 50% 1,100 55.0%"), rows.get(1).getText());

        WebElement method = card.findElement(By.cssSelector(".method[data-method='sequential']"));
        assertTrue(method.getText().startsWith("Anytime-valid · "), method.getText());
        assertTrue(method.getText().contains("Decisions on the relative lift"), method.getText());
        assertEquals("↑ higher is better", card.findElement(By.cssSelector("h3[data-metric='treasure_claimed'] .direction")).getText());
        assertEquals("Better", card.findElement(By.cssSelector("table.metric tr[data-variant='bonus'][data-decision='better'] td.decision"))
                .getText());
        String daysToGo = card.findElement(By.cssSelector("table.power tr[data-variant='bonus'] td.days-to-go")).getText();
        assertTrue(daysToGo.equals("done") || Double.parseDouble(daysToGo) >= 0, "days to go: " + daysToGo);

        // conversion: bonus 20% vs control 10% → +100% lift; the bar lies right of the zero line around the point
        WebElement chart = card.findElement(By.cssSelector("svg.ci-chart[data-metric='treasure_claimed']"));
        WebElement bar = chart.findElement(By.cssSelector("rect.ci-bar[data-variant='bonus']"));
        WebElement point = chart.findElement(By.cssSelector("circle.ci-point"));
        WebElement zero = chart.findElement(By.cssSelector("line.zero"));
        double x = attr(bar, "x");
        double width = attr(bar, "width");
        double zeroX = attr(zero, "x1");
        double svgWidth = attr(chart, "width");
        assertTrue(width > 20, "a visible interval: " + width);
        assertTrue(x > zeroX, "the whole interval is above 0 (significant): bar from " + x + ", zero at " + zeroX);
        assertTrue(x + width < svgWidth, "inside the picture");
        double cx = attr(point, "cx");
        assertTrue(cx > x && cx < x + width, "the point estimate lies inside its interval");
        assertTrue(chart.getText().contains("+100.0%"), chart.getText());
        assertEquals(2, card.findElements(By.cssSelector("svg.ci-chart")).size(), "one chart per metric");
        assertEquals(2, card.findElements(By.cssSelector("svg.traffic-chart path.series")).size(), "one line per variant");

        WebElement ok = browser.findElement(By.cssSelector("section[data-experiment='" + healthy + "']"));
        assertTrue(ok.findElements(By.cssSelector(".srm-warning")).isEmpty(), "no SRM warning on a healthy split");
        assertTrue(ok.findElements(By.cssSelector(".guardrail-harm")).isEmpty(), "no harm on a healthy experiment");
        assertEquals(2, ok.findElements(By.cssSelector("svg.ci-chart rect.ci-bar")).size());
        assertEquals("Inconclusive", ok.findElement(By.cssSelector("table.metric tr[data-variant='bonus'] td.decision")).getText());

        WebElement harm = browser.findElement(By.cssSelector("section[data-experiment='" + harmful + "']"));
        WebElement alert = harm.findElement(By.cssSelector(".guardrail-harm"));
        assertTrue(alert.getText().startsWith("Guardrail harmed: purchase_completed.revenue (bonus)"), alert.getText());
        assertEquals("Harmed", harm.findElement(By.cssSelector(
                "h3[data-metric='purchase_completed.revenue'] + table.metric tr[data-variant='bonus'] td.decision")).getText());
        WebElement harmBar = harm.findElement(By.cssSelector("svg.ci-chart[data-metric='purchase_completed.revenue'] rect.ci-bar"));
        assertEquals("upper", harmBar.getDomAttribute("data-sides"), "a one-sided bound: how bad it could be at most");
        WebElement harmZero = harm.findElement(By.cssSelector("svg.ci-chart[data-metric='purchase_completed.revenue'] line.zero"));
        assertTrue(attr(harmBar, "x") + attr(harmBar, "width") < attr(harmZero, "x1"), "the whole bound lies below 0");
        assertTrue(harm.findElement(By.cssSelector(".excluded")).getText().startsWith("25 players exposed to more than one variant"),
                harm.findElement(By.cssSelector(".excluded")).getText());
        assertTrue(harm.findElement(By.cssSelector("table.variants tr[data-variant='bonus']")).getText().endsWith(" 25"));

        Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), Path.of("target", "dashboard.png"),
                StandardCopyOption.REPLACE_EXISTING);
        screenshot(card, "dashboard-srm.png");
        screenshot(ok, "dashboard-results.png");
        screenshot(harm, "dashboard-guardrail.png");
    }

    @Test
    void asksForTheTokenAndRefusesAWrongOne() throws Exception {
        browser.get(dashboard.toString());
        ((JavascriptExecutor) browser).executeScript("sessionStorage.clear()");
        browser.navigate().refresh();
        WebElement form = new WebDriverWait(browser, Duration.ofSeconds(20))
                .until(ExpectedConditions.visibilityOfElementLocated(By.id("login")));
        browser.findElement(By.id("token")).sendKeys("not-the-token");
        form.findElement(By.tagName("button")).click();
        new WebDriverWait(browser, Duration.ofSeconds(20))
                .until(ExpectedConditions.textToBe(By.id("login-error"), "That token was refused. Use the read token."));
        screenshot(form, "dashboard-login.png");
        browser.findElement(By.id("token")).clear();
        browser.findElement(By.id("token")).sendKeys(Api.READ_TOKEN);
        browser.findElement(By.cssSelector("#login button")).click();
        new WebDriverWait(browser, Duration.ofSeconds(60))
                .until(ExpectedConditions.attributeToBe(By.tagName("body"), "data-loaded", "true"));
        assertFalse(browser.findElement(By.id("login")).isDisplayed());
    }

    private static double attr(WebElement element, String name) {
        return Double.parseDouble(element.getDomAttribute(name));
    }

    /** A picture of one element (it must fit the 1280 × 2400 window). */
    private static void screenshot(WebElement element, String name) throws Exception {
        ((JavascriptExecutor) browser).executeScript("arguments[0].scrollIntoView(true)", element);
        Path file = element.getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(file, Path.of("target", name), StandardCopyOption.REPLACE_EXISTING);
    }
}
