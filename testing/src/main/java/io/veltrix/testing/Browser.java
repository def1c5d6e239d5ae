package io.veltrix.testing;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

/**
 * Debian's headless Chromium driven through Debian's chromedriver (no browser download). Installs both with apt-get
 * when they are missing and we are root; otherwise fails saying what to install. Shared by the console and
 * dashboard tests (experiments-service) and the browser tests of system-tests.
 */
public final class Browser {

    private static void fail(String message) {
        throw new IllegalStateException(message);
    }

    public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    public static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    private Browser() {
    }

    /** A fresh headless Chromium (own profile folder), window 1280 × height. */
    public static ChromeDriver start(int height) throws IOException {
        ensureInstalled();
        Path profile = Files.createTempDirectory("veltrix-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--hide-scrollbars", "--force-device-scale-factor=1",
                "--user-data-dir=" + profile, "--window-size=1280," + height);
        // the page's console (errors, Content-Security-Policy refusals) for the tests: driver.manage().logs()
        options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    /**
     * What the page's console logged since the last call about its Content-Security-Policy (Chromium: "Refused to ...
     * because it violates the following Content Security Policy directive"), so that a policy that breaks a page fails
     * the test that drove it. A probe message first shows that the log is read at all.
     */
    public static List<String> policyViolations(ChromeDriver browser) {
        browser.executeScript("console.error('veltrix-csp-probe')");
        List<String> log = browser.manage().logs().get(LogType.BROWSER).getAll().stream().map(LogEntry::getMessage).toList();
        if (log.stream().noneMatch(m -> m.contains("veltrix-csp-probe"))) {
            fail("the browser's console log cannot be read: " + log);
        }
        return log.stream().filter(m -> m.contains("Content Security Policy") || m.contains("Refused to")).toList();
    }

    static synchronized void ensureInstalled() {
        if (Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER)) {
            return;
        }
        boolean root = "root".equals(System.getProperty("user.name"));
        if (!root || !Files.isExecutable(Path.of("/usr/bin/apt-get"))) {
            fail("the browser tests need Debian's Chromium and chromedriver (" + CHROMIUM + ", " + CHROMEDRIVER
                    + "); install them: apt-get install -y chromium chromium-driver");
        }
        run(List.of("apt-get", "update", "-q"));
        run(List.of("apt-get", "install", "-y", "-q", "chromium", "chromium-driver"));
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            fail("apt-get install chromium chromium-driver finished but " + CHROMIUM + " or " + CHROMEDRIVER + " is missing");
        }
    }

    private static void run(List<String> command) {
        try {
            File log = File.createTempFile("apt-", ".log");
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log);
            builder.environment().put("DEBIAN_FRONTEND", "noninteractive");
            Process process = builder.start();
            if (!process.waitFor(15, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                fail(String.join(" ", command) + " did not finish in 15 minutes");
            }
            if (process.exitValue() != 0) {
                fail(String.join(" ", command) + " failed (exit " + process.exitValue() + "): " + Files.readString(log.toPath()));
            }
        } catch (IOException e) {
            fail("cannot run " + command + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("interrupted: " + command);
        }
    }
}
