package io.veltrix.stack;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The command line behind {@code ./veltrix}: up, down, status, info, supervise.
 * Exit codes: 0 ok, 1 failed, 2 bad usage, 3 not running (status/info) or already running (up/supervise).
 */
public final class Main {
    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;
    static final int NOT_RUNNING_OR_ALREADY_RUNNING = 3;

    private static final String USAGE_TEXT = String.join(System.lineSeparator(),
            "usage: ./veltrix <command> [options]",
            "  up [--instance run|test] [--no-services] [--no-build] [--demo]",
            "                      start the servers (and the three services) in the foreground; Ctrl-C stops all",
            "                      --demo: also create a demo experiment and play simulated game traffic into it",
            "  down [--instance run|test]    stop a running stack (and leftovers of a killed one)",
            "  status [--instance run|test]  is it running, and where",
            "  info [--instance run|test]    connection settings as KEY=VALUE lines (e.g. for eval/export)",
            "  supervise --instance test [--owner PID]   servers only, until the owner process exits (tests use it)",
            "  simulate [options]            play simulated Treasure Hunt traffic into a running platform (--help)",
            "  bench [--smoke]               the benchmark suite on its own stack instance; writes BENCHMARKS.md (--help)",
            "The instance defaults to run. Ports and other settings: see deploy/stack/README.md.");

    /** A service the run command starts. */
    /** A service of the platform; {@code defaultRunManagementPort}: its management interface on the run instance. */
    record ServiceSpec(String name, String module, int defaultRunPort, int defaultTestPort, String title,
                       int defaultRunManagementPort) {
    }

    static final List<ServiceSpec> SERVICES = List.of(
            new ServiceSpec("ingest-service", "ingest-service", 8081, 8091, "ingest", 9081),
            new ServiceSpec("processor-service", "processor-service", 8082, 8092, "processor", 9082),
            new ServiceSpec("experiments-service", "experiments-service", 8083, 8093, "experiments", 9083));

    private Main() {
    }

    public static void main(String[] args) {
        int code;
        try {
            code = run(args);
        } catch (StackException e) {
            System.err.println("error: " + e.getMessage());
            code = FAILED;
        }
        System.exit(code);
    }

    static int run(String[] args) {
        if (args.length == 0 || args[0].equals("help") || args[0].equals("-h") || args[0].equals("--help")) {
            System.out.println(USAGE_TEXT);
            return args.length == 0 ? USAGE : OK;
        }
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.println(USAGE_TEXT);
            return USAGE;
        }
        switch (options.command) {
            case "up":
                return up(options.instance, options.services, options.demo);
            case "down":
                System.out.println(Stack.stop(options.instance, Log.console()));
                return OK;
            case "status":
                return status(options.instance);
            case "info":
                return info(options.instance);
            case "supervise":
                return supervise(options.instance, options.owner, options.launchId);
            default:
                System.err.println("error: unknown command '" + options.command + "'");
                System.err.println(USAGE_TEXT);
                return USAGE;
        }
    }

    /** Parsed command-line options. */
    static final class Options {
        String command;
        Instance instance = Instance.RUN;
        boolean services = true;
        boolean demo;
        long owner = -1;
        String launchId = "";

        static Options parse(String[] args) {
            Options o = new Options();
            o.command = args[0];
            for (int i = 1; i < args.length; i++) {
                String arg = args[i];
                String value = null;
                int eq = arg.indexOf('=');
                if (arg.startsWith("--") && eq > 0) {
                    value = arg.substring(eq + 1);
                    arg = arg.substring(0, eq);
                }
                switch (arg) {
                    case "--instance":
                        o.instance = Instance.parse(value != null ? value : next(args, ++i, arg));
                        break;
                    case "--owner":
                        try {
                            o.owner = Long.parseLong(value != null ? value : next(args, ++i, arg));
                        } catch (NumberFormatException e) {
                            throw new IllegalArgumentException("--owner needs a process id");
                        }
                        break;
                    case "--launch-id":
                        o.launchId = value != null ? value : next(args, ++i, arg);
                        break;
                    case "--no-services":
                        o.services = false;
                        break;
                    case "--no-build":
                        break; // handled by the ./veltrix script
                    case "--demo":
                        o.demo = true;
                        break;
                    default:
                        throw new IllegalArgumentException("unknown option '" + args[i] + "'");
                }
            }
            return o;
        }

        private static String next(String[] args, int i, String option) {
            if (i >= args.length) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return args[i];
        }
    }

    static int up(Instance instance, boolean withServices) {
        return up(instance, withServices, false);
    }

    static int up(Instance instance, boolean withServices, boolean demo) {
        Settings settings = Settings.current();
        Layout layout = Layout.of(VeltrixHome.resolve(), instance);
        Classpath.preloadOwnClasses();
        Path projectRoot = VeltrixHome.projectRoot(Path.of("").toAbsolutePath()).orElse(layout.home().getParent());
        Map<String, ServiceProcess.Builder> services = withServices ? serviceBuilders(instance, settings, projectRoot, layout)
                : Map.of();

        Log log = new Log(layout.stackLog(), System.out);
        Supervisor supervisor = new Supervisor(instance, layout, settings, log);
        try {
            supervisor.acquire();
        } catch (AlreadyRunningException e) {
            e.info().ifPresent(info -> printTable(System.out, info, Map.of()));
            System.err.println("error: " + e.getMessage());
            return NOT_RUNNING_OR_ALREADY_RUNNING;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(supervisor::stop, "veltrix-stop"));
        supervisor.onUnexpectedExit(message -> exitAsync(FAILED));
        log.info("starting Veltrix (" + instance.id() + "); logs in " + layout.logsDir());
        long started = System.nanoTime();
        StackInfo info = supervisor.start(UUID.randomUUID().toString(), -1);

        Map<String, String> serviceUrls = new LinkedHashMap<>();
        Map<String, String> managementUrls = new LinkedHashMap<>();
        LocalSecrets secrets = LocalSecrets.of(layout.instanceDir());
        DemoLauncher demoTraffic = demo && !services.isEmpty() ? new DemoLauncher(projectRoot, layout, log) : null;
        if (demoTraffic != null) {
            supervisor.beforeStop(demoTraffic::stop); // before the services it sends to
        }
        if (!services.isEmpty()) {
            List<ServiceProcess> running = new ArrayList<>();
            supervisor.beforeStop(() -> {
                for (int i = running.size() - 1; i >= 0; i--) {
                    running.get(i).stop();
                    log.detail(running.get(i).name() + " stopped");
                }
            });
            for (Map.Entry<String, ServiceProcess.Builder> module : services.entrySet()) {
                ServiceProcess service = module.getValue().env(info.serviceEnvironment(module.getKey()))
                        .env(secrets.serviceEnvironment()).launch();
                running.add(service);
                supervisor.recordService(service.name(), service.pid());
                service.onExit().thenRun(() -> {
                    if (!supervisor.isStopping()) {
                        log.warn(service.name() + " exited (code " + service.exitCode().map(String::valueOf).orElse("?")
                                + "): see " + service.logFile() + "; the servers keep running");
                    }
                });
            }
            for (ServiceProcess service : running) {
                service.awaitReady(Duration.ofSeconds(120));
                serviceUrls.put(service.name(), service.baseUrl());
                managementUrls.put(service.name(), service.managementUrl());
            }
        }
        printTable(System.out, info, serviceUrls);
        managementUrls.forEach((name, url) -> row(System.out, "", name + ": health, metrics, API docs at " + url
                + "/q/health, /q/metrics, /q/swagger-ui"));
        if (!services.isEmpty()) {
            row(System.out, "write key", secrets.writeKey() + "  (source " + LocalSecrets.SOURCE + ", HTTP Basic user)");
            row(System.out, "admin token", secrets.adminToken() + "  (role admin: changes; analyst token "
                    + secrets.readToken() + ": reads results and traffic)");
            row(System.out, "SDK key", secrets.sdkKey() + "  (role sdk, for game clients: assignments and the GrowthBook "
                    + "payload, e.g. clientKey of a GrowthBook SDK)");
            row(System.out, "credentials", layout.instanceDir().resolve("secrets.properties").toString());
        }
        if (demoTraffic != null && demoTraffic.start(supervisor, secrets, serviceUrls)) {
            row(System.out, "demo", "experiment " + DemoLauncher.EXPERIMENT + " with simulated players: open the dashboard; "
                    + "simulator log " + demoTraffic.logFile());
        }
        System.out.printf(java.util.Locale.ROOT, "Veltrix (%s) is up in %.1f s. Stop it with Ctrl-C or ./veltrix down%s%n",
                instance.id(), (System.nanoTime() - started) / 1e9, instance == Instance.RUN ? "" : " --instance " + instance.id());
        supervisor.awaitStopped();
        return OK;
    }

    /** The services to start, by module. */
    private static Map<String, ServiceProcess.Builder> serviceBuilders(Instance instance, Settings settings, Path projectRoot,
                                                                       Layout layout) {
        Map<String, ServiceProcess.Builder> builders = new LinkedHashMap<>();
        Map<String, Integer> ports = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        for (ServiceSpec spec : SERVICES) {
            Path jar = ServiceProcess.runnerJar(projectRoot, spec.module());
            if (!jar.toFile().isFile()) {
                missing.add(projectRoot.relativize(jar).toString());
                continue;
            }
            String portKey = instance.settingsPrefix() + spec.title() + ".port";
            int port = settings.port(portKey, instance == Instance.RUN ? spec.defaultRunPort() : spec.defaultTestPort());
            ServiceProcess.Builder builder = ServiceProcess.builder(spec.name(), jar).httpPort(port).portSetting(portKey)
                    .jvmOptions(ServiceHeap.jvmOptions(spec.module()))
                    .logsDir(layout.logsDir()).marker(layout.processMarker()).stopOnJvmExit(false);
            // health, metrics and API docs: a fixed port on the run instance (so that they can be bookmarked), a free
            // one elsewhere unless set
            String managementKey = instance.settingsPrefix() + spec.title() + ".management-port";
            if (instance == Instance.RUN || settings.get(managementKey).isPresent()) {
                int managementPort = settings.port(managementKey, spec.defaultRunManagementPort());
                Ports.requireFree(managementPort, spec.name() + " management interface", managementKey);
                builder.managementPort(managementPort);
            }
            builders.put(spec.module(), builder);
            ports.put(spec.module(), port);
        }
        if (builders.containsKey("experiments-service") && ports.containsKey("ingest-service")) {
            // the console's data-quality page reads ingest's rejected-events summary through experiments-service
            builders.get("experiments-service").env(Map.of("VELTRIX_INGEST_URL", "http://127.0.0.1:" + ports.get("ingest-service")));
        }
        if (!missing.isEmpty()) {
            throw new StackException("the services are not built (" + String.join(", ", missing)
                    + " missing): run ./veltrix up (it builds first), ./mvnw install, or start the servers alone with"
                    + " ./veltrix up --no-services");
        }
        return builders;
    }

    static void printTable(PrintStream out, StackInfo info, Map<String, String> serviceUrls) {
        String experiments = serviceUrls.get("experiments-service");
        if (serviceUrls.containsKey("ingest-service")) {
            row(out, "ingest", serviceUrls.get("ingest-service"));
        }
        if (serviceUrls.containsKey("processor-service")) {
            row(out, "processor", serviceUrls.get("processor-service"));
        }
        if (experiments != null) {
            row(out, "experiments", experiments);
            row(out, "console", experiments + "/console/  (sign in with the admin or analyst token)");
            row(out, "dashboard", experiments + "/dashboard");
        }
        row(out, "registry", info.registryUrl() + "  (Apicurio REST API)");
        row(out, "pulsar", info.pulsarServiceUrl() + "  admin " + info.pulsarAdminUrl());
        row(out, "postgres", info.jdbcUrl() + "  (users " + info.processorDb().user() + ", "
                + info.experimentsDb().user() + ")");
        row(out, "logs", info.logsDir().toString());
    }

    private static void row(PrintStream out, String name, String value) {
        out.printf("  %-12s %s%n", name, value);
    }

    static int status(Instance instance) {
        Layout layout = Layout.of(VeltrixHome.resolve(), instance);
        StackState state = StackState.read(layout.stateFile());
        String name = "Veltrix (" + instance.id() + ")";
        if (!StackLock.isHeld(layout.lockFile())) {
            long alive = state.childPids().entrySet().stream()
                    .filter(e -> Processes.ours(e.getValue(), state.get(StackState.MARKER).orElse(layout.processMarker()))
                            .isPresent()).count();
            System.out.println(name + " is not running" + (alive > 0 ? "; " + alive
                    + " leftover server process(es) of a killed supervisor are alive: ./veltrix down stops them" : ""));
            state.get(StackState.ERROR).filter(e -> state.get(StackState.STATUS).filter("FAILED"::equals).isPresent())
                    .ifPresent(e -> System.out.println("it ended with an error: " + e.lines().findFirst().orElse(e)));
            return NOT_RUNNING_OR_ALREADY_RUNNING;
        }
        String status = state.get(StackState.STATUS).orElse("STARTING");
        System.out.println(name + " is " + status + " (supervisor pid " + state.pid(StackState.SUPERVISOR_PID)
                + state.get(StackState.OWNER_PID).map(o -> ", owner pid " + o).orElse("")
                + ", started " + state.get(StackState.STARTED_AT).orElse("?") + ")");
        if (state.isReady()) {
            StackInfo info = StackInfo.fromState(state);
            List<String> services = new ArrayList<>();
            state.asMap().forEach((k, v) -> {
                if (k.startsWith(StackState.SERVICE_PID_PREFIX) && k.endsWith(".pid")) {
                    services.add(k.substring(StackState.SERVICE_PID_PREFIX.length(), k.length() - 4) + " (pid " + v + ")");
                }
            });
            printTable(System.out, info, Map.of());
            if (!services.isEmpty()) {
                row(System.out, "services", String.join(", ", services));
            }
            System.out.println("  health       pulsar " + upDown(Http.get(info.pulsarAdminUrl() + "/admin/v2/brokers/health",
                    info.pulsarTokens().admin(), Duration.ofSeconds(2)).status() == 200)
                    + ", registry " + upDown(Http.isOk(info.registryUrl() + "/system/info"))
                    + ", postgres " + upDown(Databases.canConnect(info.jdbcUrl(), info.processorDb().user(),
                    info.processorDb().password())));
        }
        return OK;
    }

    private static String upDown(boolean up) {
        return up ? "UP" : "DOWN";
    }

    static int info(Instance instance) {
        Optional<StackInfo> info = Stack.running(instance);
        if (info.isEmpty()) {
            System.err.println("Veltrix (" + instance.id() + ") is not running: start it with ./veltrix up"
                    + (instance == Instance.RUN ? "" : " --instance " + instance.id()));
            return NOT_RUNNING_OR_ALREADY_RUNNING;
        }
        // the servers, each service's own database login (VELTRIX_STACK_PROCESSOR_DB_USERNAME, ...) and Pulsar token
        Map<String, String> lines = new LinkedHashMap<>();
        info.get().quarkusTestConfig().forEach((key, value) -> lines.put(Settings.envName(key), value));
        // the Pulsar superuser's token, for an operator's pulsar-admin (the services get their own roles' tokens)
        lines.put("VELTRIX_STACK_PULSAR_ADMIN_TOKEN", info.get().pulsarTokens().admin());
        lines.put("VELTRIX_LOGS_DIR", info.get().logsDir().toString());
        lines.put("VELTRIX_STACK_HOME", info.get().home().toString());
        lines.forEach((k, v) -> System.out.println(k + "=" + v));
        return OK;
    }

    static int supervise(Instance instance, long ownerPid, String launchId) {
        Settings settings = Settings.current();
        Layout layout = Layout.of(VeltrixHome.resolve(), instance);
        Classpath.preloadOwnClasses();
        Log log = new Log(layout.stackLog(), System.console() != null ? System.out : null);
        Supervisor supervisor = new Supervisor(instance, layout, settings, log);
        try {
            supervisor.acquire();
        } catch (AlreadyRunningException e) {
            log.error(e.getMessage());
            return NOT_RUNNING_OR_ALREADY_RUNNING;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(supervisor::stop, "veltrix-stop"));
        supervisor.onUnexpectedExit(message -> exitAsync(FAILED));
        if (ownerPid > 0) {
            Optional<ProcessHandle> owner = ProcessHandle.of(ownerPid).filter(ProcessHandle::isAlive);
            if (owner.isEmpty()) {
                log.info("owner process " + ownerPid + " is gone: not starting");
                supervisor.stop();
                return OK;
            }
            owner.get().onExit().thenRun(() -> {
                log.info("owner process " + ownerPid + " exited: stopping");
                exitAsync(OK);
            });
        }
        log.info("supervisor pid " + ProcessHandle.current().pid() + " starting Veltrix (" + instance.id() + ")"
                + (ownerPid > 0 ? " for owner pid " + ownerPid : " (no owner: stop with ./veltrix down --instance "
                + instance.id() + ")"));
        try {
            supervisor.start(launchId, ownerPid);
        } catch (StackException e) {
            // servers stopped, the error is in stack.log and the state file (FAILED)
            if (System.console() != null) {
                System.err.println("error: " + e.getMessage());
            }
            return FAILED;
        }
        supervisor.awaitStopped();
        return OK;
    }

    /** System.exit from a fresh thread, so no caller's lock is held while the shutdown hooks run. */
    private static void exitAsync(int code) {
        Thread exit = new Thread(() -> System.exit(code), "veltrix-exit");
        exit.setDaemon(false);
        exit.start();
    }
}
