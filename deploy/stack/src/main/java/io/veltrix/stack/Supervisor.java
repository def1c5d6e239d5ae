package io.veltrix.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * Owns the servers of one instance for its whole life: holds {@code <instance>/stack.lock}, starts
 * PostgreSQL → databases → Pulsar and Apicurio (in parallel) → waits healthy → creates the Pulsar
 * resources → registers the schemas → writes the state file (READY). {@link #stop()} goes in reverse
 * order and leaves no process behind.
 */
final class Supervisor {
    static final Duration POSTGRES_TIMEOUT = Duration.ofSeconds(90);
    static final Duration PULSAR_TIMEOUT = Duration.ofSeconds(180);
    static final Duration APICURIO_TIMEOUT = Duration.ofSeconds(120);
    static final Duration SETUP_TIMEOUT = Duration.ofSeconds(90);

    private final Instance instance;
    private final Layout layout;
    private final Settings settings;
    private final Log log;
    private final StackState state = StackState.empty();
    private final List<ManagedServer> servers = new ArrayList<>();
    private final List<Runnable> beforeStop = new CopyOnWriteArrayList<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Object lifecycle = new Object();
    private volatile boolean stopping;
    private volatile Consumer<String> onUnexpectedExit = message -> { };
    private StackLock lock;
    private StackInfo info;

    Supervisor(Instance instance, Layout layout, Settings settings, Log log) {
        this.instance = instance;
        this.layout = layout;
        this.settings = settings;
        this.log = log;
    }

    Layout layout() {
        return layout;
    }

    /** Takes the instance lock, or throws {@link AlreadyRunningException} with the running instance's URLs. */
    public void acquire() {
        try {
            Files.createDirectories(layout.logsDir());
        } catch (IOException e) {
            throw new StackException("cannot create " + layout.logsDir() + ": " + e.getMessage(), e);
        }
        lock = StackLock.tryAcquire(layout.lockFile(), Duration.ofSeconds(3)).orElseThrow(() -> {
            StackState running = StackState.read(layout.stateFile());
            Optional<StackInfo> runningInfo = running.isReady() ? Optional.of(StackInfo.fromState(running)) : Optional.empty();
            return new AlreadyRunningException(instance, running.pid(StackState.SUPERVISOR_PID), runningInfo);
        });
    }

    /** Called (on another thread) when a server dies while the stack is up. */
    public void onUnexpectedExit(Consumer<String> listener) {
        this.onUnexpectedExit = listener;
    }

    /** Work to do first when stopping (the run command stops its services here). */
    public void beforeStop(Runnable action) {
        beforeStop.add(action);
    }

    /** Records an extra process (a service) in the state file, so `down` and leftover clean-up know it. */
    public void recordService(String name, long pid) {
        state.set(StackState.SERVICE_PID_PREFIX + name + ".pid", pid);
        state.write(layout.stateFile());
    }

    public void forgetService(String name) {
        state.set(StackState.SERVICE_PID_PREFIX + name + ".pid", null);
        state.write(layout.stateFile());
    }

    /** Starts everything and returns when the stack is READY; on failure stops what it started and throws. */
    public StackInfo start(String launchId, long ownerPid) {
        if (lock == null) {
            acquire();
        }
        long started = System.nanoTime();
        StackState previous = StackState.read(layout.stateFile());
        int leftovers = stopLeftovers(previous, layout, log);
        if (leftovers > 0) {
            log.info("stopped " + leftovers + " leftover server process(es) of a supervisor that did not shut down cleanly");
        }
        state.set(StackState.STATUS, StackState.Status.STARTING)
                .set(StackState.SUPERVISOR_PID, ProcessHandle.current().pid())
                .set(StackState.OWNER_PID, ownerPid > 0 ? ownerPid : null)
                .set("launch.id", launchId)
                .set(StackState.STARTED_AT, Instant.now())
                .set(StackState.MARKER, layout.processMarker())
                .write(layout.stateFile());
        try {
            info = startServers();
        } catch (RuntimeException e) {
            String message = e instanceof StackException ? e.getMessage() : e.toString();
            log.detail("start failed: " + message); // the caller shows it
            stop();
            state.set(StackState.STATUS, StackState.Status.FAILED).set(StackState.ERROR, message).write(layout.stateFile());
            throw e instanceof StackException ? e : new StackException(message, e);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        state.putAll(info.toProperties())
                .set(StackState.STATUS, StackState.Status.READY)
                .set(StackState.READY_AT, Instant.now())
                .set("ready.seconds", String.format(java.util.Locale.ROOT, "%.1f", seconds))
                .write(layout.stateFile());
        watchServers();
        log.info(String.format(java.util.Locale.ROOT, "Veltrix (%s) servers ready in %.1f s", instance.id(), seconds));
        return info;
    }

    private StackInfo startServers() {
        if (instance.freshDataOnStart()) {
            try {
                Files2.deleteRecursively(layout.dataDir());
            } catch (IOException e) {
                throw new StackException("cannot wipe " + layout.dataDir() + ": " + e.getMessage(), e);
            }
        }
        boolean appendLogs = !instance.freshDataOnStart();
        StackPorts ports = StackPorts.resolve(instance, settings);
        Ports.requireFree(ports.pulsar(), "Pulsar broker", StackPorts.key(instance, "pulsar.port"));
        Ports.requireFree(ports.pulsarWeb(), "Pulsar admin/web", StackPorts.key(instance, "pulsar.web-port"));
        Ports.requireFree(ports.bookie(), "Pulsar's bookie", StackPorts.key(instance, "pulsar.bookie-port"));
        Ports.requireFree(ports.registry(), "Apicurio Registry", StackPorts.key(instance, "registry.port"));
        Ports.requireFree(ports.registryManagement(), "Apicurio Registry management",
                StackPorts.key(instance, "registry.management-port"));
        Optional<DbConfig> external = DbConfig.external(instance, settings);
        LocalSecrets secrets = LocalSecrets.of(layout.instanceDir());
        DbConfig db = external.orElseGet(() -> DbConfig.embedded(postgresPort(), secrets));
        PulsarTokens pulsarTokens = secrets.pulsarTokens();
        Path apicurioJava = JdkLocator.current().apicurioJava();
        Distributions dists = new Distributions(layout.home(), log);

        ExecutorService executor = Executors.newFixedThreadPool(3, r -> {
            Thread t = new Thread(r, "veltrix-start");
            t.setDaemon(true);
            return t;
        });
        try {
            CompletableFuture<Void> database = CompletableFuture.runAsync(() -> prepareDatabase(db, dists, appendLogs), executor);
            CompletableFuture<PulsarServer> pulsarReady = CompletableFuture.supplyAsync(() -> {
                Path home = dists.ensure(Distributions.Dist.pulsar());
                PulsarServer server = new PulsarServer(home, layout.pulsarData(), layout.logsDir(), ports,
                        Path.of(System.getProperty("java.home")), settings, log, appendLogs, secrets.pulsarSecretKey());
                launch(server, server::start);
                server.awaitReady(PULSAR_TIMEOUT);
                new PulsarSetup(server.adminUrl(), pulsarTokens.admin(), log).apply(SETUP_TIMEOUT);
                return server;
            }, executor);
            CompletableFuture<Path> apicurioDist = CompletableFuture.supplyAsync(
                    () -> dists.ensure(Distributions.Dist.apicurio()), executor);
            CompletableFuture<ApicurioServer> registryReady = apicurioDist.thenCombineAsync(database, (home, ignored) -> {
                ApicurioServer server = new ApicurioServer(home, layout.apicurioData(), ports.registry(),
                        ports.registryManagement(), apicurioJava, db, layout.processMarker(), settings, log,
                        layout.logsDir().resolve("apicurio.log"), appendLogs, secrets.registryWriterPassword());
                launch(server, server::start);
                server.awaitReady(APICURIO_TIMEOUT);
                SchemaRegistration.registerAll(server.registryUrl(), secrets.registryWriter(), log);
                return server;
            }, executor);
            awaitAll(database, pulsarReady, registryReady);
            PulsarServer pulsar = pulsarReady.join();
            return new StackInfo(instance, pulsar.serviceUrl(), pulsar.adminUrl(), pulsarTokens, registryReady.join().registryUrl(),
                    db.jdbcUrl(), db.reactiveUrl(), db.processor(), db.experiments(), db.admin().user(), db.admin().password(),
                    layout.logsDir(), layout.instanceDir());
        } finally {
            executor.shutdownNow();
        }
    }

    private void prepareDatabase(DbConfig db, Distributions dists, boolean appendLogs) {
        if (db.embedded()) {
            Path home = dists.ensure(Distributions.Dist.postgres());
            PostgresServer postgres = new PostgresServer(home, layout.postgresData(), db.port(), !instance.freshDataOnStart(),
                    db.admin().password(), log, layout.logsDir().resolve("postgres.log"), appendLogs);
            launch(postgres, postgres::start);
            postgres.awaitReady(POSTGRES_TIMEOUT);
            Databases.ensureDatabase(db.maintenanceUrl(), db.admin().user(), db.admin().password(), DbConfig.APP_DATABASE);
            Databases.ensureDatabase(db.maintenanceUrl(), db.admin().user(), db.admin().password(), DbConfig.REGISTRY_DATABASE);
            DatabaseRoles.apply(db);
            return;
        }
        if (!Databases.canConnect(db.jdbcUrl(), db.admin().user(), db.admin().password())) {
            throw new StackException("cannot connect to VELTRIX_DB_URL " + db.jdbcUrl() + " as " + db.admin().user()
                    + ": check the URL, VELTRIX_DB_USER / VELTRIX_DB_PASSWORD, and that the server runs");
        }
        if (!Databases.canConnect(db.registryJdbcUrl(), db.registry().user(), db.registry().password())) {
            // CREATE DATABASE works from any database of the server: use the platform one
            String via = DbConfig.maintenanceUrlOf(db.registryJdbcUrl()).equals(db.maintenanceUrl())
                    ? db.jdbcUrl() : DbConfig.maintenanceUrlOf(db.registryJdbcUrl());
            Databases.ensureDatabase(via, db.registry().user(), db.registry().password(), DbConfig.databaseOf(db.registryJdbcUrl()));
            log.info("created the registry database " + db.registryJdbcUrl());
        }
    }

    /** Starts a server unless the stack is stopping; the lock makes start and stop exclusive. */
    private void launch(ManagedServer server, Runnable start) {
        synchronized (lifecycle) {
            if (stopping) {
                throw new StackException("the stack is stopping");
            }
            servers.add(server);
            start.run();
            String key = server instanceof PulsarServer ? StackState.PULSAR_PID
                    : server instanceof ApicurioServer ? StackState.APICURIO_PID : StackState.POSTGRES_PID;
            state.set(key, server.pid()).write(layout.stateFile());
        }
    }

    /** Waits for all, but fails as soon as one fails. */
    private static void awaitAll(CompletableFuture<?>... futures) {
        CompletableFuture<Void> firstFailure = new CompletableFuture<>();
        for (CompletableFuture<?> f : futures) {
            f.whenComplete((r, e) -> {
                if (e != null) {
                    firstFailure.completeExceptionally(e);
                }
            });
        }
        CompletableFuture.allOf(futures).whenComplete((r, e) -> firstFailure.complete(null));
        try {
            firstFailure.join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof CompletionException && cause.getCause() != null) {
                cause = cause.getCause();
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new StackException(cause.toString(), cause);
        }
    }

    /** The embedded PostgreSQL's port: the override, else the one chosen before (if still free), else a new free one. */
    private int postgresPort() {
        String key = StackPorts.key(instance, "postgres.port");
        if (settings.get(key).isPresent()) {
            int port = settings.port(key, 0);
            Ports.requireFree(port, "PostgreSQL", key);
            return port;
        }
        Path file = layout.postgresPortFile();
        try {
            if (Files.exists(file)) {
                int port = Integer.parseInt(Files.readString(file).trim());
                if (Ports.isFree(port)) {
                    return port;
                }
                log.info("PostgreSQL's previous port " + port + " is taken now: choosing another");
            }
            int port = Ports.freePort();
            Files.writeString(file, port + System.lineSeparator());
            return port;
        } catch (IOException | NumberFormatException e) {
            int port = Ports.freePort();
            log.warn("cannot use " + file + " (" + e.getMessage() + "): PostgreSQL gets port " + port);
            return port;
        }
    }

    private void watchServers() {
        for (ManagedServer server : List.copyOf(servers)) {
            watch(server);
        }
    }

    /**
     * A server that exits on its own stops the stack, but PostgreSQL: a database server that stops and comes back is
     * a fault the services must ride out (and the tests inject), so it is started again on the same data, up to
     * {@value #POSTGRES_RESTARTS} times in ten minutes.
     */
    private void watch(ManagedServer server) {
        server.handle().ifPresent(handle -> handle.onExit().thenRun(() -> {
            if (stopping) {
                return;
            }
            if (server instanceof PostgresServer postgres && restartAllowed()) {
                log.warn("PostgreSQL exited unexpectedly: starting it again (see " + server.logFile() + ")");
                try {
                    synchronized (lifecycle) {
                        if (stopping) {
                            return;
                        }
                        postgres.start();
                        state.set(StackState.POSTGRES_PID, postgres.pid()).write(layout.stateFile());
                    }
                    postgres.awaitReady(POSTGRES_TIMEOUT);
                    log.info("PostgreSQL is back (pid " + postgres.pid() + ")");
                    watch(postgres);
                    return;
                } catch (RuntimeException e) {
                    log.error("PostgreSQL could not be started again: " + e.getMessage());
                }
            }
            String message = server.name() + " exited unexpectedly: see " + server.logFile() + "; stopping the stack";
            log.error(message);
            state.set(StackState.STATUS, StackState.Status.FAILED).set(StackState.ERROR, message);
            onUnexpectedExit.accept(message);
        }));
    }

    private static final int POSTGRES_RESTARTS = 5;
    private final java.util.Deque<Long> postgresRestarts = new java.util.ArrayDeque<>();

    private synchronized boolean restartAllowed() {
        long now = System.nanoTime();
        while (!postgresRestarts.isEmpty() && now - postgresRestarts.peekFirst() > Duration.ofMinutes(10).toNanos()) {
            postgresRestarts.pollFirst();
        }
        if (postgresRestarts.size() >= POSTGRES_RESTARTS) {
            return false;
        }
        postgresRestarts.addLast(now);
        return true;
    }

    /** Stops services, then Apicurio, Pulsar, PostgreSQL; idempotent; releases the lock. */
    public void stop() {
        List<ManagedServer> toStop;
        synchronized (lifecycle) {
            if (stopping) {
                awaitStopped();
                return;
            }
            stopping = true;
            toStop = new ArrayList<>(servers);
        }
        try {
            if (lock != null) {
                state.set(StackState.STATUS, StackState.Status.STOPPING).write(layout.stateFile());
            }
            boolean any = !beforeStop.isEmpty() || toStop.stream().anyMatch(ManagedServer::isAlive);
            if (any) {
                log.info("stopping Veltrix (" + instance.id() + ") ...");
            }
            for (Runnable action : beforeStop) {
                runQuietly(action::run, "stopping services");
            }
            for (Class<?> type : List.of(ApicurioServer.class, PulsarServer.class, PostgresServer.class)) {
                for (ManagedServer server : toStop) {
                    if (type.isInstance(server)) {
                        runQuietly(server::stop, "stopping " + server.name());
                    }
                }
            }
            if (lock != null) {
                StackState after = StackState.empty().set(StackState.STATUS, StackState.Status.STOPPED)
                        .set("stopped.at", Instant.now())
                        .set(StackState.MARKER, layout.processMarker());
                state.get(StackState.ERROR).ifPresent(e -> after.set(StackState.ERROR, e));
                state.get(StackState.STATUS).filter("FAILED"::equals).ifPresent(s -> after.set(StackState.STATUS, s));
                after.write(layout.stateFile());
            }
            if (any) {
                log.info("Veltrix (" + instance.id() + ") stopped");
            }
        } finally {
            if (lock != null) {
                lock.close();
            }
            stopped.countDown();
        }
    }

    public void awaitStopped() {
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public boolean isStopping() {
        return stopping;
    }

    private void runQuietly(Runnable action, String what) {
        try {
            action.run();
        } catch (RuntimeException e) {
            log.warn(what + " failed: " + e.getMessage());
        }
    }

    /**
     * Stops processes recorded in an old state file that are still alive (a supervisor killed with -9
     * leaves them behind). Only processes whose command line carries this instance's marker are touched.
     */
    static int stopLeftovers(StackState old, Layout layout, Log log) {
        String marker = old.get(StackState.MARKER).orElse(layout.processMarker());
        int stopped = 0;
        Map<String, Long> pids = old.childPids();
        List<String> order = new ArrayList<>();
        pids.keySet().stream().filter(k -> k.startsWith(StackState.SERVICE_PID_PREFIX)).forEach(order::add);
        order.addAll(List.of(StackState.APICURIO_PID, StackState.PULSAR_PID, StackState.POSTGRES_PID));
        for (String key : order) {
            Long pid = pids.get(key);
            if (pid == null) {
                continue;
            }
            Optional<ProcessHandle> process = Processes.ours(pid, marker);
            if (process.isPresent()) {
                String name = key.substring(0, key.length() - ".pid".length());
                log.info("stopping leftover " + name + " (pid " + pid + ")");
                Processes.stop(process.get(), key.equals(StackState.POSTGRES_PID) ? "INT" : "TERM",
                        Duration.ofSeconds(30), name, log);
                stopped++;
            }
        }
        stopped += stopLeftoverPostgres(layout, log);
        return stopped;
    }

    /** A postmaster still running on this instance's data folder (e.g. its pid was never recorded). */
    private static int stopLeftoverPostgres(Layout layout, Log log) {
        Path pidFile = layout.postgresData().resolve("postmaster.pid");
        try {
            if (!Files.isReadable(pidFile)) {
                return 0;
            }
            List<String> lines = Files.readAllLines(pidFile);
            long pid = lines.isEmpty() ? -1 : Long.parseLong(lines.get(0).trim());
            Optional<ProcessHandle> process = Processes.ours(pid, layout.postgresData().toString());
            if (process.isPresent()) {
                log.info("stopping leftover PostgreSQL (pid " + pid + ")");
                Processes.stop(process.get(), "INT", Duration.ofSeconds(30), "PostgreSQL", log);
                return 1;
            }
        } catch (IOException | NumberFormatException e) {
            log.detail("cannot read " + pidFile + ": " + e.getMessage());
        }
        return 0;
    }

    StackInfo info() {
        return info;
    }
}
