package io.veltrix.systemtests.processor;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.veltrix.stack.ServiceProcess;
import io.veltrix.testing.TestServices;
import java.nio.file.Files;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Two processor instances share the work (Key_Shared); one of them is killed while events flow, or stopped
 * gracefully: the other takes over its players, and every event is counted exactly once.
 */
class TwoProcessorsCrashTest extends PlatformTest {

    private static final Pattern COUNTED = Pattern.compile("(?m)^veltrix_processor_events_counted_total\\{[^}]*\\} ([0-9.E]+)$");

    @Test
    void aSecondInstanceKilledWhileEventsFlowLosesNothingAndCountsNothingTwice() throws Exception {
        run("two-kill", ServiceProcess::kill);
    }

    @Test
    void aSecondInstanceStoppedGracefullyFinishesOrHandsOverItsBatch() throws Exception {
        ServiceProcess[] stopped = new ServiceProcess[1];
        run("two-stop", process -> {
            stopped[0] = process;
            process.stop();
        });
        String log = Files.readString(stopped[0].logFile());
        assertTrue(log.contains("events-raw: stopped consuming"), "the stopping processor drained its consumer");
    }

    private void run(String name, java.util.function.Consumer<ServiceProcess> end) throws Exception {
        ServiceProcess second = services.startExtra(TestServices.PROCESSOR, "processor-" + name);
        try {
            StreamRun run = new StreamRun(name, db, services.url(TestServices.INGEST), 60).stream(stream -> {
                // the second instance has taken its share of the players
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> counted(second) > 0);
                end.accept(second);
            });
            run.assertCountedOnce(services.stack());
            System.out.printf("%s: %d events%n", name, run.sent().size());
        } finally {
            if (second.isAlive()) {
                second.kill();
            }
        }
    }

    /** Events the instance has counted (all types), from its /q/metrics. */
    private static double counted(ServiceProcess processor) {
        String metrics = given().baseUri(processor.managementUrl()).when().get("/q/metrics").then().extract().asString();
        double total = 0;
        Matcher matcher = COUNTED.matcher(metrics);
        while (matcher.find()) {
            total += Double.parseDouble(matcher.group(1));
        }
        return total;
    }
}
