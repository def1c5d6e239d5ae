package io.veltrix.simulator.bench;

import io.quarkus.logging.Log;
import io.veltrix.simulator.client.ExperimentsClient;
import io.veltrix.simulator.client.ExperimentsClient.MetricSpec;
import io.veltrix.simulator.client.ExperimentsClient.VariantSpec;
import io.veltrix.simulator.game.GameSettings;
import io.veltrix.simulator.load.LoadReport;
import io.veltrix.simulator.load.LoadRunner;
import io.veltrix.simulator.load.LoadSettings;
import io.veltrix.simulator.load.Simulation;
import io.veltrix.stack.Instance;
import io.veltrix.stack.LocalSecrets;
import io.veltrix.stack.Ports;
import io.veltrix.stack.PulsarTokens;
import io.veltrix.stack.ServiceHeap;
import io.veltrix.stack.ServiceProcess;
import io.veltrix.stack.StackInfo;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The benchmark suite, one phase after the other on one stack instance:
 * <ol>
 * <li>ingest: {@code warmupEvents} (not measured: the JVMs compile the hot code meanwhile), then {@code events}
 * realistic events through {@code /v1/batch} in batches of 100, as fast as ingest answers ({@code concurrency} requests outstanding), with the processor not running, so they pile up as its
 * backlog on a topic of this run;</li>
 * <li>raw Pulsar: {@code pulsar-perf produce} against the same broker with messages of the average size ingest
 * produced, the physical reference;</li>
 * <li>processor: started on that backlog; measured once the warm-up's share of it is drained until the backlog
 * (read from Pulsar's admin REST API) is 0, and from a cold start (its first acknowledgement) too;</li>
 * <li>end to end: the game at a steady open-loop rate through all three services, with latency probes (ingest
 * answered → counted by the processor and visible through experiments-service) and the services' memory sampled.</li>
 * </ol>
 * Every phase also records where the machine's CPU went.
 */
public final class Benchmark {

    /** experiments-service's read token (the traffic API the latency probe polls needs it). */
    private String readToken;

    /** The processor's subscription (as in processor-service's configuration). */
    static final String SUBSCRIPTION = "veltrix-processor";
    /** Reads of the probe's path before the end-to-end phase (its JIT compilation settled after ~5,000). */
    static final int PROBE_WARMUP_READS = 8_000;
    /**
     * The services' channel topics, overridden so that this run has a topic of its own (the test instance is shared
     * with other tests). Coupled to ingest's and processor's application.properties.
     */
    static final String INGEST_TOPIC_PROPERTY = "mp.messaging.outgoing.events-raw.topic";
    static final String PROCESSOR_TOPIC_PROPERTY = "mp.messaging.incoming.events-raw.topic";
    static final String PROCESSOR_REJECTED_PRODUCER_PROPERTY = "mp.messaging.outgoing.events-rejected.producerName";

    private final BenchOptions options;
    /** Events per extra warm-up round of ingest, its compilers' share that ends them, and how many at most. */
    static final long SETTLE_EVENTS = 100_000;
    static final double JIT_QUIET_SHARE = 0.08;
    static final int SETTLE_ROUNDS = 12;

    private final List<String> notes = new ArrayList<>();
    private final Map<String, Map<String, Double>> cpu = new LinkedHashMap<>();
    private final Map<String, ServiceProcess> services = new LinkedHashMap<>();
    /** What to undo on a shared instance before the services stop. */
    private final List<Runnable> cleanUp = new ArrayList<>();

    public Benchmark(BenchOptions options) {
        this.options = options;
    }

    public BenchResult run() {
        MachineInfo machine = MachineInfo.current();
        Log.infof("machine: %s", machine.describe());
        if (machine.loadAverage() >= 1.0 && !options.smoke()) {
            notes.add(String.format(Locale.ROOT, "The machine was not quiet: load average %.2f at the start. Other processes "
                    + "compete for the CPU; see the \"others\" column below.", machine.loadAverage()));
            Log.warnf("load average %.2f: the figures will be distorted by other work on this machine", machine.loadAverage());
        }
        BenchStack stack = BenchStack.obtain(options.instance(), options.projectRoot(), options.keepStack(),
                options.hugePages());
        StackInfo info = stack.info();
        notes.add(hugePagesNote(new BenchDatabase(info), stack));
        String runId = Long.toString(System.currentTimeMillis(), 36);
        String topicName = "events.raw.bench-" + runId;
        String perfTopicName = "bench-" + runId + ".pulsar-perf";
        PulsarAdmin admin = new PulsarAdmin(info.pulsarAdminUrl(), info.pulsarTokens().admin());
        LocalSecrets secrets = LocalSecrets.of(info.home());
        readToken = secrets.readToken();
        CpuAccounting accounting = new CpuAccounting()
                .track("ingest", () -> pid("ingest-service"))
                .track("processor", () -> pid("processor-service"))
                .track("experiments", () -> pid("experiments-service"))
                .track("pulsar", () -> stack.serverPid("pulsar"))
                .track("postgres", () -> stack.serverPid("postgres"), true)
                .track("registry", () -> stack.serverPid("apicurio"))
                .track("simulator", () -> ProcessHandle.current().pid());
        BenchResult.Raw raw = null;
        BenchResult.Ingest ingest = null;
        BenchResult.Processor processor = null;
        BenchResult.EndToEnd endToEnd = null;
        Map<String, BenchResult.Memory> memory = new LinkedHashMap<>();
        try {
            admin.createTopic(topicName);
            // the services' roles get on the benchmark's topic what they have on events.raw
            admin.grant(topicName, PulsarTokens.INGEST_ROLE, "produce");
            admin.grant(topicName, PulsarTokens.PROCESSOR_ROLE, "consume", "produce");
            admin.createSubscription(topicName, SUBSCRIPTION);
            start(List.of("experiments-service", "ingest-service"), info, secrets, PulsarAdmin.topic(topicName));
            ExperimentsClient experiments = new ExperimentsClient(url("experiments-service"), secrets.adminToken(),
                    secrets.readToken(), secrets.sdkKey());
            List<String> experimentKeys = benchExperiment(experiments, "bench-" + runId);
            cleanUp.add(() -> experimentKeys.forEach(experiments::stop)); // no running experiment left behind
            GameSettings game = GameSettings.defaults(options.players(), 0.2, "bench-" + runId, 42);
            try (Simulation simulation = Simulation.prepare(url("ingest-service"), secrets.writeKey(), false, experiments,
                    experimentKeys, game)) {

                ingest = ingestPhase(simulation, accounting);
                long backlog = admin.backlog(topicName, SUBSCRIPTION);
                Log.infof("backlog of %s after the ingest phase: %,d (Pulsar counts batch entries)", topicName, backlog);

                raw = rawPulsarPhase(info, admin, topicName, perfTopicName, accounting);

                BenchDatabase database = new BenchDatabase(info);
                processor = processorPhase(admin, topicName, ingest == null ? 0 : ingest.events(),
                        ingest == null ? 0 : ingest.warmupEvents(), accounting, database, stack.serverPid("pulsar"),
                        () -> launch(List.of("processor-service"), info, secrets, PulsarAdmin.topic(topicName)));

                LatencyProbe probe = new LatencyProbe(url("experiments-service"), readToken, runId);
                if (!options.smoke()) {
                    warmUpProbe(probe);
                    settle(database);
                }
                endToEnd = endToEndPhase(simulation, probe, admin, topicName, accounting, database, memory, stack);
            }
        } catch (RuntimeException e) {
            Log.errorf(e, "the benchmark stopped early");
            String message = String.valueOf(e.getMessage());
            notes.add("The benchmark stopped early: " + (message.contains("\n") ? message.substring(0, message.indexOf('\n')) : message));
        } finally {
            if (options.instance() != Instance.BENCH) {
                cleanUp.forEach(action -> {
                    try {
                        action.run();
                    } catch (RuntimeException e) {
                        Log.warnf("clean-up: %s", e.getMessage());
                    }
                });
            }
            stopServices();
            if (options.profile()) {
                notes.addAll(JfrSummary.summarize(info.logsDir(), List.of("ingest-service", "processor-service",
                        "experiments-service")));
            }
            admin.deleteTopic(perfTopicName);
            if (options.instance() != Instance.BENCH) {
                admin.deleteTopic(topicName); // leave nothing behind on a shared instance
            }
            stack.stopIfOwned(options.keepStack());
        }
        return new BenchResult(machine, options.smoke() ? "smoke" : "full", options.instance().id(), raw, ingest, processor,
                endToEnd, memory, cpu, notes);
    }

    private BenchResult.Ingest ingestPhase(Simulation simulation, CpuAccounting accounting) {
        long warmupAccepted = 0;
        double warmupRate = Double.NaN;
        double warmupCpu = Double.NaN;
        if (options.warmupEvents() > 0) {
            Log.infof("phase 1/4 ingest: warm-up, %,d events the same way (not measured: the JVMs compile the hot code) ...",
                    options.warmupEvents());
            LoadRunner warmupRunner = prepared(simulation.runner(new LoadSettings(0, options.batchSize(),
                    options.concurrency(), null, options.warmupEvents())));
            CpuAccounting.Sample before = accounting.sample();
            LoadReport warmup = warmupRunner.run(r -> Log.info("  " + r.oneLine()), Duration.ofSeconds(10));
            CpuAccounting.Sample after = accounting.sample();
            Log.info("  warm-up: " + warmup.oneLine());
            warmupAccepted = warmup.accepted();
            warmupRate = warmup.acceptedRate();
            warmupCpu = warmupAccepted == 0 ? Double.NaN : after.cpuSecondsSince(before, "ingest") * 1e6 / warmupAccepted;
            if (!options.smoke()) {
                warmupAccepted += untilCompiled(simulation, accounting);
            }
        }
        Log.infof("phase 1/4 ingest: %,d events in batches of %d, %d requests outstanding, processor stopped ...",
                options.events(), options.batchSize(), options.concurrency());
        LoadRunner runner = prepared(simulation.runner(new LoadSettings(0, options.batchSize(), options.concurrency(), null,
                options.events())));
        CpuAccounting.Sample before = accounting.sample();
        double jitBefore = ProcessStats.jitCpuSeconds(pid("ingest-service"));
        LoadReport report = runner.run(r -> Log.info("  " + r.oneLine()), Duration.ofSeconds(10));
        CpuAccounting.Sample after = accounting.sample();
        double jit = ProcessStats.jitCpuSeconds(pid("ingest-service")) - jitBefore;
        cpu.put("ingest", after.sharesSince(before));
        double ingestCpu = after.cpuSecondsSince(before, "ingest");
        Log.info("  " + report.oneLine());
        notes.add("Ingest phase: the load generator generated and JSON-encoded its batches before the phase's clock "
                + "started (it sets only their sentAt when sending) and sends them with Vert.x's HTTP client, so that it "
                + "takes less of the two cores from ingest while ingest is measured (both since 2026-12-01 19:00: before, "
                + "the game, the encoding and the JDK's java.net.http client took 26-31 % of the machine in this phase).");
        if (report.rejected() > 0 || report.notPersisted() > 0) {
            notes.add("Ingest phase: " + report.rejected() + " events rejected, " + report.notPersisted()
                    + " not persisted; first problems: " + report.problems());
        }
        return new BenchResult.Ingest(report.accepted(), options.batchSize(), options.concurrency(), report.seconds(),
                report.acceptedRate(), report.latency().p50(), report.latency().p99(), report.rejected(), report.notPersisted(),
                report.accepted() == 0 ? Double.NaN : ingestCpu * 1e6 / report.accepted(), warmupAccepted, warmupRate, warmupCpu,
                report.accepted() == 0 ? Double.NaN : Math.max(0, jit) * 1e6 / report.accepted());
    }

    /**
     * More warm-up, in rounds of {@link #SETTLE_EVENTS}, until ingest's JIT compiler threads take at most
     * {@link #JIT_QUIET_SHARE} of its CPU in a round (at most {@link #SETTLE_ROUNDS} rounds): on two busy cores its C2
     * compiler was still working through its queue after 300,000 events (15-55 % of ingest's CPU, BENCHMARKS.md
     * 2026-12-01 19:17), so the measured phase ran partly on code not yet compiled and its figure moved with how far
     * the compiler had got (21-32 µs per event in three runs of the same code). The cold JVM's figure stays the
     * first warm-up's.
     *
     * @return the events accepted in these rounds
     */
    private long untilCompiled(Simulation simulation, CpuAccounting accounting) {
        long accepted = 0;
        double share = Double.NaN;
        int round = 0;
        while (round < SETTLE_ROUNDS) {
            round++;
            LoadRunner runner = simulation.runner(new LoadSettings(0, options.batchSize(), options.concurrency(), null,
                    SETTLE_EVENTS));
            runner.prepare(preparedBytes()); // silently: no log line per round
            CpuAccounting.Sample before = accounting.sample();
            double jitBefore = ProcessStats.jitCpuSeconds(pid("ingest-service"));
            LoadReport report = runner.run(null, null);
            double jit = ProcessStats.jitCpuSeconds(pid("ingest-service")) - jitBefore;
            double cpu = accounting.sample().cpuSecondsSince(before, "ingest");
            accepted += report.accepted();
            share = ProcessStats.jitShare(jit, cpu);
            Log.infof("  more warm-up, round %d: %,d events at %,.0f/s; ingest's JIT compiler threads %.0f %% of its CPU",
                    round, report.accepted(), report.acceptedRate(), share * 100);
            if (share <= JIT_QUIET_SHARE) {
                break;
            }
        }
        notes.add(String.format(Locale.ROOT, "Ingest phase: after the %,d events of the warm-up, %,d more in %d round(s) "
                + "of %,d until ingest's JIT compiler threads took at most %.0f %% of its CPU in a round (%.0f %% in the "
                + "last%s); the warm-up figures are the first %,d (the cold JVM).", options.warmupEvents(), accepted, round,
                SETTLE_EVENTS, JIT_QUIET_SHARE * 100, share * 100, share > JIT_QUIET_SHARE ? ", the limit of rounds reached" : "",
                options.warmupEvents()));
        return accepted;
    }

    /**
     * The ingest phase's batches generated and encoded before its clock starts (up to half the simulator's heap), so
     * that the load generator only sends while ingest is measured: on two cores the game and the JSON encoding took
     * about a third of the simulator's CPU, which the server then did not have.
     */
    private LoadRunner prepared(LoadRunner runner) {
        return prepared(runner, "Ingest phase", preparedBytes());
    }

    /** What a phase's prepared batches may take: half the simulator's heap. */
    private static long preparedBytes() {
        return Runtime.getRuntime().maxMemory() / 2;
    }

    /** The runner's batches generated and encoded now, in up to {@code maxBytes}; a note when not all of them fitted. */
    private LoadRunner prepared(LoadRunner runner, String phase, long maxBytes) {
        long started = System.nanoTime();
        long events = runner.prepare(maxBytes);
        Log.infof("  %,d events generated and encoded in %.1f s before the clock starts", events,
                (System.nanoTime() - started) / 1e9);
        if (events < runner.plannedEvents()) {
            notes.add(String.format(Locale.ROOT, "%s: only %,d of %,d events fitted in the simulator's heap to be encoded before "
                    + "the clock started; the rest were generated while sending (raise -Xmx in VELTRIX_SIMULATOR_JAVA_OPTS)",
                    phase, events, runner.plannedEvents()));
        }
        return runner;
    }

    private BenchResult.Raw rawPulsarPhase(StackInfo info, PulsarAdmin admin, String topicName, String perfTopicName,
                                           CpuAccounting accounting) {
        double average = admin.averageMessageBytes(topicName);
        int size = (int) Math.round(average > 0 ? average : 400);
        Log.infof("phase 2/4 raw Pulsar: pulsar-perf produce, %d-byte messages (the average of the ingest phase), %d s ...",
                size, options.perfDuration().toSeconds());
        Path dist = PulsarPerf.findDistribution(info.home().getParent());
        admin.createTopic(perfTopicName);
        CpuAccounting.Sample before = accounting.sample();
        PulsarPerf.Result result = PulsarPerf.produce(dist, info.pulsarServiceUrl(), info.pulsarAdminUrl(), info.pulsarTokens().admin(),
                PulsarAdmin.topic(perfTopicName), size, options.perfDuration(), info.logsDir().resolve("bench-pulsar-perf.log"));
        CpuAccounting.Sample after = accounting.sample();
        Map<String, Double> shares = after.sharesSince(before);
        // the load generator is a process of its own, counted among "others" by the machine-wide figures
        double capacity = Math.max(1e-9, after.machineTotal() - before.machineTotal());
        double perf = Math.min(shares.getOrDefault("others", 0.0), result.cpuSeconds() / capacity);
        shares.put("pulsar-perf", perf);
        shares.put("others", shares.getOrDefault("others", 0.0) - perf);
        cpu.put("raw pulsar", shares);
        Log.infof("  %s", PulsarPerf.format(result));
        admin.deleteTopic(perfTopicName);
        return new BenchResult.Raw(size, options.perfDuration().toSeconds(), result.messagesPerSecond(),
                result.megabitsPerSecond(), result.p50Millis(), result.p99Millis(),
                result.records() == 0 ? Double.NaN : result.cpuSeconds() * 1e6 / result.records(),
                result.records() == 0 ? Double.NaN : result.jitCpuSeconds() * 1e6 / result.records());
    }

    private BenchResult.Processor processorPhase(PulsarAdmin admin, String topicName, long events, long warmup,
                                                 CpuAccounting accounting, BenchDatabase database, long pulsarPid,
                                                 java.util.function.Supplier<List<ServiceProcess>> launchProcessor) {
        long total = events + warmup;
        Log.infof("phase 3/4 processor: draining the backlog of %,d events (the first %,d of them the warm-up) ...", total, warmup);
        long initial = admin.backlog(topicName, SUBSCRIPTION);
        // Pulsar counts the backlog in entries (batches of events): the measured part is the last events/total of them
        long measuredEntries = warmup == 0 ? initial : Math.round(initial * (double) events / Math.max(1, total));
        try {
            database.resetStatements();
        } catch (java.sql.SQLException e) {
            notes.add("pg_stat_statements could not be reset: " + e.getMessage());
        }
        CpuAccounting.Sample launchSample = accounting.sample();
        CpuAccounting.Sample coldBefore = null;
        CpuAccounting.Sample before = null;
        double jitAtFirstProgress = 0;
        double jitAtWindow = 0;
        double pulsarJitAtWindow = 0;
        double countedAtWindow = 0;
        long launched = System.nanoTime();
        List<ServiceProcess> processor = launchProcessor.get(); // measured from here: it consumes while it boots
        long pid = processor.get(0).pid();
        long firstProgress = -1;
        long windowStart = -1;
        long deadline = System.nanoTime() + options.drainTimeout().toNanos();
        long backlog = initial;
        long lastLog = System.nanoTime();
        double jitAtLog = ProcessStats.jitCpuSeconds(pid);
        double cpuAtLog = ProcessStats.cpuSeconds(pid);
        while (backlog != 0 && System.nanoTime() < deadline) {
            // five times a second: the window's ends within 0.2 s of a drain of ~40 s (each call costs the broker a
            // token check and the topic's stats: at ten a second they were ~7 % of its CPU in the drain)
            sleep(200);
            for (ServiceProcess p : processor) {
                if (!p.isAlive()) {
                    p.awaitReady(Duration.ofSeconds(1)); // throws with the tail of its log
                }
            }
            backlog = admin.backlog(topicName, SUBSCRIPTION);
            if (firstProgress < 0 && backlog >= 0 && backlog < initial) {
                firstProgress = System.nanoTime();
                // the cold figures: the whole drain (its start-up's boot is not the events' cost, its JIT is)
                coldBefore = accounting.sample();
                jitAtFirstProgress = ProcessStats.jitCpuSeconds(pid);
            }
            if (firstProgress >= 0 && windowStart < 0 && backlog >= 0 && backlog <= measuredEntries) {
                // the measured window: the warm-up is behind, the processor has compiled its hot code
                windowStart = System.nanoTime();
                before = accounting.sample();
                jitAtWindow = ProcessStats.jitCpuSeconds(pid);
                pulsarJitAtWindow = ProcessStats.jitCpuSeconds(pulsarPid);
                countedAtWindow = counted(processor.get(0));
                try {
                    database.resetStatements();
                } catch (java.sql.SQLException e) {
                    notes.add("pg_stat_statements could not be reset: " + e.getMessage());
                }
            }
            if (System.nanoTime() - lastLog > 10_000_000_000L) {
                // how far the processor's JIT compiler has got: its threads' share of the processor's CPU since the last line
                double jitNow = ProcessStats.jitCpuSeconds(pid);
                double cpuNow = ProcessStats.cpuSeconds(pid);
                Log.infof("  backlog %,d; the processor's JIT compiler threads %.0f %% of its CPU in the last 10 s", backlog,
                        100 * ProcessStats.jitShare(jitNow - jitAtLog, cpuNow - cpuAtLog));
                jitAtLog = jitNow;
                cpuAtLog = cpuNow;
                lastLog = System.nanoTime();
            }
        }
        long end = System.nanoTime();
        CpuAccounting.Sample after = accounting.sample();
        double jitAtEnd = ProcessStats.jitCpuSeconds(pid);
        double pulsarJitMeasured = ProcessStats.jitCpuSeconds(pulsarPid) - pulsarJitAtWindow;
        double countedAtEnd = counted(processor.get(0));
        if (coldBefore == null) {
            coldBefore = launchSample;
        }
        if (before == null) {
            before = coldBefore;
        }
        cpu.put("processor", after.sharesSince(before));
        processor.forEach(p -> p.awaitReady(Duration.ofSeconds(180)));
        boolean drained = backlog == 0;
        if (firstProgress < 0) {
            firstProgress = end;
        }
        if (windowStart < 0) {
            windowStart = firstProgress;
        }
        double coldSeconds = Math.max(1e-3, (end - firstProgress) / 1e9);
        double drainSeconds = Math.max(1e-3, (end - windowStart) / 1e9);
        double startup = (firstProgress - launched) / 1e9;
        long drainedEvents = drained ? total : Math.round(total * (1 - (double) backlog / Math.max(1, initial)));
        // the events of the window as the processor counted them (its metric); estimated from the backlog without it
        boolean fromMetric = countedAtEnd > 0 && (warmup == 0 || countedAtWindow > 0);
        long processed = fromMetric ? Math.round(countedAtEnd - countedAtWindow)
                : Math.round(drainedEvents * (double) events / Math.max(1, total));
        if (!drained) {
            notes.add(String.format(Locale.ROOT, "The processor did not drain the backlog within %d s (%,d of %,d entries left).",
                    options.drainTimeout().toSeconds(), backlog, initial));
        }
        double rate = processed / drainSeconds;
        double coldRate = drainedEvents / coldSeconds;
        Log.infof("  %,d events in %.1f s = %,.0f events/s after the warm-up; the whole drain %,d events in %.1f s = %,.0f "
                + "events/s (start-up %.1f s)", processed, drainSeconds, rate, drainedEvents, coldSeconds, coldRate, startup);
        double perEvent = 1e6 / Math.max(1, processed);
        double processorCpu = after.cpuSecondsSince(before, "processor") * perEvent;
        double postgresCpu = after.cpuSecondsSince(before, "postgres") * perEvent;
        double pulsarCpu = after.cpuSecondsSince(before, "pulsar") * perEvent;
        double coldProcessorCpu = after.cpuSecondsSince(coldBefore, "processor") * 1e6 / Math.max(1, drainedEvents);
        double jitCold = jitAtEnd - jitAtFirstProgress;
        double jitMeasured = jitAtEnd - jitAtWindow;
        double bytes = Double.NaN;
        double logBytes = Double.NaN;
        try {
            bytes = (double) database.processingBytes() / Math.max(1, drainedEvents);
            logBytes = (double) database.eventLogBytes() / Math.max(1, drainedEvents);
            notes.add("PostgreSQL in the processor phase's measured window (pg_stat_statements, execution time; the rest of "
                    + "its CPU is commits, WAL, background writing): " + statementsPerEvent(database, processed));
        } catch (java.sql.SQLException e) {
            notes.add("PostgreSQL's figures could not be read: " + e.getMessage());
        }
        notes.add(String.format(Locale.ROOT, "Processor phase: the JIT compiler threads of the processor used %.1f s of CPU "
                + "in the whole drain (%.1f µs per event of %,d) and %.1f s in the measured window (%.1f µs per event of %,d).",
                jitCold, jitCold * 1e6 / Math.max(1, drainedEvents), drainedEvents, jitMeasured,
                jitMeasured * 1e6 / Math.max(1, processed), processed));
        // a fresh broker compiles its read and dispatch path in the drain (a broker in service has compiled it long ago)
        notes.add(String.format(Locale.ROOT, "Processor phase: Pulsar's JIT compiler threads used %.1f s of CPU in the "
                + "measured window (%.1f µs of its %.1f µs per event).", pulsarJitMeasured,
                pulsarJitMeasured * 1e6 / Math.max(1, processed), pulsarCpu));
        Log.infof("  CPU per event: processor %.1f µs (whole drain %.1f µs), PostgreSQL %.1f µs, Pulsar %.1f µs; PostgreSQL "
                + "keeps %.0f bytes per event (event log %.0f)", processorCpu, coldProcessorCpu, postgresCpu, pulsarCpu, bytes,
                logBytes);
        return new BenchResult.Processor(processed, startup, drainSeconds, rate, drained, processorCpu, postgresCpu, pulsarCpu,
                bytes, logBytes, warmup, coldRate, coldProcessorCpu, jitCold, jitMeasured);
    }

    /** The statements that took PostgreSQL the most time since the last reset, each per counted event. */
    private static String statementsPerEvent(BenchDatabase database, double events) throws java.sql.SQLException {
        double n = Math.max(1, events);
        List<String> statements = new ArrayList<>();
        for (BenchDatabase.StatementStats st : database.topStatements(6)) {
            statements.add(String.format(Locale.ROOT, "%s: %,d calls, %.1f s (%.1f µs per event), planned %,d times "
                            + "(%.1f s); per event %.2f blocks read, %.2f dirtied, %.2f full-page images, %.0f bytes of WAL",
                    BenchDatabase.shorten(st.query()), st.calls(), st.totalMillis() / 1000, st.totalMillis() * 1000 / n,
                    st.plans(), st.planMillis() / 1000, st.blocksRead() / n, st.blocksDirtied() / n, st.walFullPages() / n,
                    st.walBytes() / n));
        }
        return String.join("; ", statements);
    }

    /** How many events the processor counted so far (its metric, all event types); 0 when it cannot be read. */
    private static double counted(ServiceProcess processor) {
        return ServiceMetrics.scrape(processor.managementUrl()).sum("veltrix_processor_events_counted_total");
    }

    /**
     * Waits (at most 2 minutes) until the drain's aftermath is over: no vacuum running in PostgreSQL (autovacuum takes
     * on the million rows the processor just wrote) and the machine idle, so that the end-to-end phase measures the
     * steady rate and not the clean-up of the phase before it. How long it waited goes into the notes.
     */
    private void settle(BenchDatabase database) {
        long start = System.nanoTime();
        long deadline = start + Duration.ofMinutes(2).toNanos();
        int quietSeconds = 0;
        long vacuums = -1;
        double idle = 0;
        while (quietSeconds < 5 && System.nanoTime() < deadline) {
            double[] before = ProcessStats.machineBusyAndTotalSeconds();
            sleep(1000);
            double[] after = ProcessStats.machineBusyAndTotalSeconds();
            double total = after[1] - before[1];
            idle = total <= 0 ? 1 : 1 - (after[0] - before[0]) / total;
            try {
                vacuums = database.vacuumsRunning();
            } catch (java.sql.SQLException e) {
                vacuums = 0; // cannot tell: the machine's idleness decides
            }
            quietSeconds = vacuums == 0 && idle >= 0.8 ? quietSeconds + 1 : 0;
        }
        double waited = (System.nanoTime() - start) / 1e9;
        String how = quietSeconds >= 5 ? "no vacuum running and the machine at least 80 % idle for 5 s"
                : String.format(Locale.ROOT, "not quiet after 2 minutes (%d vacuum(s) running, %.0f %% idle)", vacuums, idle * 100);
        Log.infof("settled before the end-to-end phase in %.0f s: %s", waited, how);
        notes.add(String.format(Locale.ROOT, "Before the end-to-end phase the benchmark waited %.0f s for the drain's "
                + "aftermath to end (%s).", waited, how));
    }

    /** The probe's read path warmed up, as a dashboard polling a running experiments-service meets it. */
    private void warmUpProbe(LatencyProbe probe) {
        long start = System.nanoTime();
        int reads = probe.warmUp(PROBE_WARMUP_READS, Duration.ofSeconds(60));
        double seconds = (System.nanoTime() - start) / 1e9;
        Log.infof("experiments-service's traffic API (the probe's read) warmed up: %,d reads in %.0f s", reads, seconds);
        notes.add(String.format(Locale.ROOT, "Before the end-to-end phase the probe's read (experiments-service's traffic "
                + "API, read by nothing earlier in the run) was called %,d times in %.0f s, so that the phase does not "
                + "measure its JIT compilation.", reads, seconds));
    }

    private BenchResult.EndToEnd endToEndPhase(Simulation simulation, LatencyProbe probe, PulsarAdmin admin,
                                               String topicName, CpuAccounting accounting, BenchDatabase database,
                                               Map<String, BenchResult.Memory> memory, BenchStack stack) {
        Log.infof("phase 4/4 end to end: %,.0f events/s for %d s through all three services (measured after %d s at that "
                + "rate) ...", options.e2eRate(), options.e2eDuration().toSeconds(), options.e2eWarmup().toSeconds());
        Map<String, Long> pids = new LinkedHashMap<>();
        services.forEach((name, process) -> pids.put(name.replace("-service", ""), process.pid()));
        pids.put("pulsar", stack.serverPid("pulsar"));
        pids.put("postgres", stack.serverPid("postgres"));
        pids.put("registry", stack.serverPid("apicurio"));
        pids.put("simulator", ProcessHandle.current().pid());
        Map<String, double[]> rss = new LinkedHashMap<>(); // peak, sum, count
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "rss-sampler");
            t.setDaemon(true);
            return t;
        });
        sampler.scheduleAtFixedRate(() -> pids.forEach((name, pid) -> ProcessStats.rssMiB(pid).ifPresent(mib -> {
            synchronized (rss) {
                double[] s = rss.computeIfAbsent(name, n -> new double[3]);
                s[0] = Math.max(s[0], mib);
                s[1] += mib;
                s[2]++;
            }
        })), 1, 1, TimeUnit.SECONDS);
        // both parts' batches made before the load starts, as in the ingest phase: the game and the JSON encoding cost
        // ~3 µs per event (about 1.5 % of the machine at 10,000 events/s) that the servers then did not have; only
        // the batches carrying a probe are made as they leave
        LoadRunner firstPart = options.e2eWarmup().isZero() ? null : endToEndLoad(simulation, options.e2eWarmup());
        LoadRunner runner = endToEndLoad(simulation, options.e2eDuration());
        long heap = preparedBytes();
        double total = options.e2eWarmup().toMillis() + options.e2eDuration().toMillis();
        if (firstPart != null) {
            prepared(firstPart, "End-to-end phase (its first part)", (long) (heap * (options.e2eWarmup().toMillis() / total)));
        }
        prepared(runner, "End-to-end phase", (long) (heap * (options.e2eDuration().toMillis() / total)));
        Thread probing = new Thread(probe, "latency-probe");
        long warmUpStart = System.nanoTime();
        probing.start();
        LoadReport warmUp = null;
        if (firstPart != null) {
            // the same load first, not measured: what the drain left behind (its autovacuum and statistics, the JIT's
            // code for full batches) settles at this rate; its probes are reported apart
            firstPart.probes(probe);
            warmUp = firstPart.run(r -> Log.info("  warm-up: " + r.oneLine()), Duration.ofSeconds(10));
        }
        runner.probes(probe);
        CpuAccounting.Sample before = accounting.sample();
        ServiceMetrics processorAtStart = ServiceMetrics.scrape(services.get("processor-service").managementUrl());
        try {
            database.resetStatements();
        } catch (java.sql.SQLException e) {
            notes.add("pg_stat_statements could not be reset: " + e.getMessage());
        }
        long phaseStart = System.nanoTime();
        LoadReport report = runner.run(r -> Log.info("  " + r.oneLine()), Duration.ofSeconds(10));
        long phaseEnd = System.nanoTime();
        probe.stop();
        CpuAccounting.Sample after = accounting.sample();
        cpu.put("end to end", after.sharesSince(before));
        sampler.shutdownNow();
        try {
            probing.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (rss) {
            rss.forEach((name, s) -> memory.put(name, new BenchResult.Memory(s[0], s[2] == 0 ? 0 : s[1] / s[2])));
        }
        long backlogAtEnd = admin.backlog(topicName, SUBSCRIPTION);
        var latency = probe.latencies(phaseStart, phaseEnd);
        Log.infof("  %s", report.oneLine());
        Log.infof("  end-to-end probes: %d, p50 %.0f ms, p99 %.0f ms, max %.0f ms, lost %d; backlog at the end %,d",
                latency.count(), latency.p50(), latency.p99(), latency.max(), probe.lost(), backlogAtEnd);
        if (warmUp != null) {
            var first = probe.latencies(warmUpStart, phaseStart);
            notes.add(String.format(Locale.ROOT, "End-to-end phase: its load ran %d s at the same rate before the measured "
                    + "%d s, not measured (the drain's aftermath); in those first %d s: offered %,.0f events/s, request p99 "
                    + "%.0f ms, %,d events skipped; %d probes, p50 %.0f ms, p99 %.0f ms, max %,.0f ms.",
                    options.e2eWarmup().toSeconds(), options.e2eDuration().toSeconds(), options.e2eWarmup().toSeconds(),
                    warmUp.offeredRate(), warmUp.latency().p99(), warmUp.skippedEvents(), first.count(), first.p50(),
                    first.p99(), first.max()));
        }
        var fromSend = probe.latenciesFromSend(phaseStart, phaseEnd);
        notes.add(String.format(Locale.ROOT, "End-to-end phase, the same probes from the sending of their batch (ingest's "
                + "answer included, as a client sees it): p50 %.0f ms, p99 %.0f ms, max %,.0f ms.", fromSend.p50(),
                fromSend.p99(), fromSend.max()));
        notes.add("End-to-end phase, the probes by 10 s from the start of its load (the first "
                + options.e2eWarmup().toSeconds() + " s not measured; when the tail happened): "
                + probe.bySlice(warmUpStart, Duration.ofSeconds(10)) + ".");
        // where a probe's time went: the processor's own timers over the phase (means from the counts and sums at both
        // ends), and their percentiles (Micrometer's window: the last ~2 min, which reaches back into the drain)
        ServiceMetrics processor = ServiceMetrics.scrape(services.get("processor-service").managementUrl());
        notes.add("End-to-end phase, the processor's own timers over the phase: from ingest's publish to the commit of the "
                + "batch (its oldest event) " + processor.meanSince(processorAtStart, "veltrix_processor_latency_pipeline")
                + "; one batch (decode, validate, commit, acknowledge) "
                + processor.meanSince(processorAtStart, "veltrix_processor_batch_duration")
                + "; its transaction " + processor.meanSince(processorAtStart, "veltrix_processor_commit_duration")
                + ". Their percentiles at its end, over Micrometer's last ~2 minutes (which reach back into the drain's "
                + "end: a maximum of minutes is a drained event's): publish to commit "
                + processor.timer("veltrix_processor_latency_pipeline") + "; batch "
                + processor.timer("veltrix_processor_batch_duration") + "; transaction "
                + processor.timer("veltrix_processor_commit_duration") + ".");
        // at a steady rate a batch holds what arrived in its wait (~250 events per consumer, not 1,000 as in the drain):
        // what that costs per event, next to the drain's figures
        double counted = processor.sum("veltrix_processor_events_counted_total")
                - processorAtStart.sum("veltrix_processor_events_counted_total");
        double perEvent = 1e6 / Math.max(1, counted);
        try {
            notes.add(String.format(Locale.ROOT, "End-to-end phase, CPU per counted event (%,.0f counted): processor %.1f µs, "
                            + "PostgreSQL %.1f µs, Pulsar %.1f µs, ingest %.1f µs; PostgreSQL's statements "
                            + "(pg_stat_statements, the phase only): %s.", counted,
                    after.cpuSecondsSince(before, "processor") * perEvent, after.cpuSecondsSince(before, "postgres") * perEvent,
                    after.cpuSecondsSince(before, "pulsar") * perEvent, after.cpuSecondsSince(before, "ingest") * perEvent,
                    statementsPerEvent(database, counted)));
        } catch (java.sql.SQLException e) {
            notes.add("End-to-end phase: PostgreSQL's figures could not be read: " + e.getMessage());
        }
        if (!report.reachedTarget()) {
            notes.add(String.format(Locale.ROOT, "End-to-end phase: the simulator offered %,.0f events/s of the %,.0f/s target "
                    + "(%,d events skipped because %d requests were outstanding).", report.offeredRate(), options.e2eRate(),
                    report.skippedEvents(), 64));
        }
        if (report.rejected() > 0 || report.notPersisted() > 0) {
            notes.add("End-to-end phase: " + report.rejected() + " events rejected, " + report.notPersisted()
                    + " not persisted; first problems: " + report.problems());
        }
        return new BenchResult.EndToEnd(options.e2eRate(), report.offeredRate(), report.acceptedRate(), report.seconds(),
                latency.count(), probe.lost(), latency.p50(), latency.p99(), latency.max(), report.latency().p50(),
                report.latency().p99(), report.skippedEvents(), backlogAtEnd, options.e2eWarmup().toSeconds());
    }

    /** The end-to-end phase's open-loop load at its rate, for {@code duration}. */
    private LoadRunner endToEndLoad(Simulation simulation, Duration duration) {
        return simulation.runner(new LoadSettings(options.e2eRate(), options.batchSize(), 64, duration, 0));
    }

    private List<String> benchExperiment(ExperimentsClient experiments, String key) {
        try {
            experiments.create(key, "Benchmark " + key, "Created by ./veltrix bench", 1.0,
                    List.of(new VariantSpec("control", "Control", 0.5, Map.of("coins_multiplier", 1.0)),
                            new VariantSpec("bonus", "Bonus", 0.5, Map.of("coins_multiplier", 1.5))),
                    new MetricSpec("purchase_completed", "conversion"),
                    List.of(new MetricSpec("treasure_claimed.coins", "mean")));
            experiments.start(key);
            return List.of(key);
        } catch (RuntimeException e) {
            notes.add("No experiment exposures in the load: the benchmark experiment could not be created or started ("
                    + e.getMessage() + ").");
            Log.warnf("cannot create the benchmark experiment: %s", e.getMessage());
            return List.of();
        }
    }

    /** The id of the write key {@link LocalSecrets#serviceEnvironment()} gives ingest (VELTRIX_INGEST_WRITE_KEYS_LOCAL_*). */
    private static final String BENCH_KEY_ID = "local";

    private void start(List<String> modules, StackInfo info, LocalSecrets secrets, String topic) {
        for (ServiceProcess process : launch(modules, info, secrets, topic)) {
            process.awaitReady(Duration.ofSeconds(180));
        }
    }

    private List<ServiceProcess> launch(List<String> modules, StackInfo info, LocalSecrets secrets, String topic) {
        List<ServiceProcess> launched = new ArrayList<>();
        for (String module : modules) {
            ServiceProcess.Builder builder = ServiceProcess.builder("bench-" + module,
                            ServiceProcess.runnerJar(options.projectRoot(), module))
                    .httpPort(Ports.freePort())
                    .env(info.serviceEnvironment(module))
                    .env(secrets.serviceEnvironment())
                    .logsDir(info.logsDir())
                    .marker("veltrix-bench")
                    // the heap and collector the Kubernetes manifests and the image give each service
                    .jvmOptions(ServiceHeap.jvmOptions(module))
                    .readyTimeout(Duration.ofSeconds(180));
            // only the service that has the channel: a property for an unknown channel declares a broken one
            if (module.equals("ingest-service")) {
                builder.systemProperty(INGEST_TOPIC_PROPERTY, topic);
                // the bench measures what ingest can take, not the write key's policy: its own key's rate limit
                // (50,000 events/s by default) sits above any rate this machine reaches (a run once got 10,500 429s)
                builder.systemProperty("veltrix.ingest.rate-limits." + BENCH_KEY_ID + ".events-per-second", "10000000");
            } else if (module.equals("processor-service")) {
                builder.systemProperty(PROCESSOR_TOPIC_PROPERTY, topic);
                if (options.instance() != Instance.BENCH) {
                    // on a shared instance another processor may be connected to events.rejected under the default
                    // producer name (the channel's)
                    builder.systemProperty(PROCESSOR_REJECTED_PRODUCER_PROPERTY, "bench-processor-" + topic.hashCode());
                }
            }
            if (options.profile()) {
                builder.jvmOption("-XX:StartFlightRecording=filename=" + info.logsDir().resolve("bench-" + module + ".jfr")
                        + ",settings=profile,dumponexit=true");
            }
            ServiceProcess process = builder.launch();
            services.put(module, process);
            launched.add(process);
        }
        return launched;
    }

    private void stopServices() {
        List<String> names = new ArrayList<>(services.keySet());
        for (int i = names.size() - 1; i >= 0; i--) {
            try {
                services.get(names.get(i)).stop();
            } catch (RuntimeException e) {
                Log.warnf("cannot stop %s: %s", names.get(i), e.getMessage());
            }
        }
    }

    private long pid(String module) {
        ServiceProcess process = services.get(module);
        return process == null ? -1 : process.pid();
    }

    private String url(String module) {
        return services.get(module).baseUrl();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Whether PostgreSQL ran on huge pages, and what the benchmark did for it ({@link HugePages}). */
    private static String hugePagesNote(BenchDatabase database, BenchStack stack) {
        String status;
        try {
            status = database.hugePagesStatus();
        } catch (java.sql.SQLException e) {
            status = "unknown (" + e.getMessage() + ")";
        }
        return "PostgreSQL's shared memory in huge pages: " + status + " (huge_pages=try); the kernel's huge pages: "
                + stack.hugePages() + ".";
    }
}
