package io.veltrix.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The embedded PostgreSQL 17 (zonky binaries): initdb once, then {@code postgres} on 127.0.0.1 only,
 * without a unix socket. PostgreSQL refuses to run as root, so as root both run as uid/gid 65534
 * (nobody) through {@code setpriv}, and the data folder is handed to that user.
 */
final class PostgresServer extends ManagedServer {
    static final int UNPRIVILEGED_ID = 65534;

    private final Path distHome;
    private final Path dataDir;
    private final int port;
    private final boolean durable;
    private final boolean appendLog;
    private final String adminPassword;

    PostgresServer(Path distHome, Path dataDir, int port, boolean durable, String adminPassword, Log log, Path logFile,
                   boolean appendLog) {
        super("PostgreSQL", log, logFile);
        this.distHome = distHome;
        this.dataDir = dataDir;
        this.port = port;
        this.durable = durable;
        this.adminPassword = adminPassword;
        this.appendLog = appendLog;
    }

    int port() {
        return port;
    }

    void start() {
        boolean root = Processes.runningAsRoot();
        try {
            if (!Files.exists(dataDir.resolve("PG_VERSION"))) {
                initdb(root);
            } else if (root) {
                chownRecursively(dataDir);
            }
            removeStalePidFile();
            List<String> command = new ArrayList<>(privilegeDrop(root));
            command.add(distHome.resolve("bin/postgres").toString());
            command.addAll(List.of("-D", dataDir.toString(), "-p", Integer.toString(port),
                    "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=",
                    "-c", "max_connections=200",
                    // what the benchmark reads to say where PostgreSQL's time goes (loaded, but costs nothing unused)
                    "-c", "shared_preload_libraries=pg_stat_statements", "-c", "pg_stat_statements.track=top"));
            // room for the processor's working set (its event log's recent indexes) and fewer checkpoints (each one
            // makes the next write of every page a full-page image in the WAL); still durable: fsync, synchronous commit.
            // The shared buffers in huge pages when the kernel has them reserved (PostgreSQL's default, spelled out: the
            // benchmark reserves them, docs/operations.md "PostgreSQL's memory: huge pages"), else ordinary pages
            command.addAll(List.of("-c", "shared_buffers=512MB", "-c", "max_wal_size=4GB", "-c", "checkpoint_timeout=15min",
                    "-c", "huge_pages=try"));
            if (!durable) {
                // the test instance: thrown away at the next start, so trade durability for speed
                command.addAll(List.of("-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"));
            }
            process = Processes.start(command, dataDir, Map.of(), logFile, true);
            log.detail("PostgreSQL started, pid " + process.pid() + ", port " + port);
        } catch (IOException e) {
            throw new StackException("cannot start PostgreSQL from " + distHome + ": " + e.getMessage(), e);
        }
    }

    void awaitReady(Duration timeout) {
        String url = "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
        awaitReady(timeout, "JDBC connection to " + url,
                () -> Databases.canConnect(url, DbConfig.ADMIN_USER, adminPassword));
        requirePasswords(url);
    }

    /**
     * A cluster made by an earlier version of the stack trusts every local connection (initdb -A trust): give its
     * superuser the instance's password and require passwords from everyone, as a fresh cluster does.
     */
    private void requirePasswords(String url) {
        Path hba = dataDir.resolve("pg_hba.conf");
        try {
            List<String> lines = Files.readAllLines(hba);
            if (lines.stream().noneMatch(line -> !line.strip().startsWith("#") && line.matches(".*\\strust\\s*$"))) {
                return;
            }
            Databases.execute(url, DbConfig.ADMIN_USER, adminPassword,
                    "alter role " + DbConfig.ADMIN_USER + " password " + Databases.literal(adminPassword));
            List<String> rewritten = new ArrayList<>();
            for (String line : lines) {
                rewritten.add(line.strip().startsWith("#") ? line : line.replaceAll("\\strust(\\s*)$", " scram-sha-256$1"));
            }
            Files.write(hba, rewritten);
            Databases.execute(url, DbConfig.ADMIN_USER, adminPassword, "select pg_reload_conf()");
            log.info("PostgreSQL: passwords required from now on (pg_hba.conf: trust replaced by scram-sha-256)");
        } catch (IOException e) {
            throw new StackException("cannot update " + hba + ": " + e.getMessage(), e);
        }
    }

    private void initdb(boolean root) throws IOException {
        Files.createDirectories(dataDir);
        try (Stream<Path> entries = Files.list(dataDir)) {
            if (entries.findAny().isPresent()) {
                throw new StackException(dataDir + " is not empty but holds no PostgreSQL cluster (no PG_VERSION):"
                        + " move it away or delete it, then start again");
            }
        }
        Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwx------"));
        if (root) {
            checkReachableByUnprivilegedUser(dataDir);
            checkReachableByUnprivilegedUser(distHome.resolve("bin"));
            chownRecursively(dataDir);
        }
        if (!appendLog) {
            Files.deleteIfExists(logFile);
        }
        // the superuser's password, in a file only the server's user reads, removed right after
        Path pwfile = dataDir.resolveSibling(dataDir.getFileName() + ".pwfile");
        Files.writeString(pwfile, adminPassword + System.lineSeparator());
        Files.setPosixFilePermissions(pwfile, PosixFilePermissions.fromString("rw-------"));
        if (root) {
            Files.setAttribute(pwfile, "unix:uid", UNPRIVILEGED_ID, LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(pwfile, "unix:gid", UNPRIVILEGED_ID, LinkOption.NOFOLLOW_LINKS);
        }
        List<String> command = new ArrayList<>(privilegeDrop(root));
        command.add(distHome.resolve("bin/initdb").toString());
        command.addAll(List.of("-D", dataDir.toString(), "-U", DbConfig.ADMIN_USER, "-A", "scram-sha-256",
                "--pwfile=" + pwfile, "-E", "UTF8", "--locale=C.UTF-8",
                // text compared byte by byte (memcmp, abbreviated keys), as with the C collation of production
                // (CloudNativePG's default): libc's C.UTF-8 goes through strcoll, which made every text key of the
                // event log's index and the aggregates dearer (1,000,000 inserts into a (player_id, event_key) index:
                // 5.0-5.6 s with libc C.UTF-8, 4.4-4.8 s with C)
                "--locale-provider=builtin", "--builtin-locale=C.UTF-8", "--no-instructions"));
        log.detail("initdb " + dataDir);
        try {
            Process initdb = Processes.start(command, dataDir, Map.of(), logFile, true);
            process = initdb;
            if (!Processes.waitForExit(initdb.toHandle(), Duration.ofSeconds(120)) || initdb.exitValue() != 0) {
                initdb.destroyForcibly();
                throw new StackException("initdb failed for " + dataDir + ". Last lines of " + logFile + ":"
                        + System.lineSeparator() + Files2.tail(logFile, 20));
            }
        } finally {
            Files.deleteIfExists(pwfile);
        }
        process = null;
    }

    private static List<String> privilegeDrop(boolean root) {
        if (!root) {
            return List.of();
        }
        return List.of("setpriv", "--reuid=" + UNPRIVILEGED_ID, "--regid=" + UNPRIVILEGED_ID, "--clear-groups", "--");
    }

    /** A postmaster.pid left by a killed server whose pid is gone (or reused by someone else) blocks the start. */
    private void removeStalePidFile() throws IOException {
        Path pidFile = dataDir.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        List<String> lines = Files.readAllLines(pidFile);
        long pid = lines.isEmpty() ? -1 : parseLong(lines.get(0));
        if (pid > 0 && Processes.ours(pid, dataDir.toString()).isPresent()) {
            throw new StackException("a PostgreSQL (pid " + pid + ") still runs on " + dataDir
                    + ": stop it (./veltrix down) before starting again");
        }
        Files.delete(pidFile);
    }

    private static long parseLong(String s) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static void chownRecursively(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                Files.setAttribute(p, "unix:uid", UNPRIVILEGED_ID, LinkOption.NOFOLLOW_LINKS);
                Files.setAttribute(p, "unix:gid", UNPRIVILEGED_ID, LinkOption.NOFOLLOW_LINKS);
            }
        }
    }

    /**
     * The unprivileged user must be able to traverse every folder above {@code path}; a home folder
     * like /root (mode 700) is the usual culprit.
     */
    static void checkReachableByUnprivilegedUser(Path path) throws IOException {
        for (Path dir = path.toAbsolutePath().getParent(); dir != null; dir = dir.getParent()) {
            if (!canTraverse(dir, UNPRIVILEGED_ID, UNPRIVILEGED_ID)) {
                throw new StackException("PostgreSQL must run as an unprivileged user (uid " + UNPRIVILEGED_ID
                        + ", because we run as root), and that user cannot reach " + path + ": " + dir
                        + " is not accessible to others. Fix with 'chmod o+x " + dir + "', or set VELTRIX_HOME to a"
                        + " folder outside it, or use your own PostgreSQL with VELTRIX_DB_URL");
            }
        }
    }

    static boolean canTraverse(Path dir, int uid, int gid) throws IOException {
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(dir);
        Object owner = Files.getAttribute(dir, "unix:uid");
        Object group = Files.getAttribute(dir, "unix:gid");
        if (Integer.valueOf(uid).equals(owner)) {
            return perms.contains(PosixFilePermission.OWNER_EXECUTE);
        }
        if (Integer.valueOf(gid).equals(group)) {
            return perms.contains(PosixFilePermission.GROUP_EXECUTE);
        }
        return perms.contains(PosixFilePermission.OTHERS_EXECUTE);
    }

    @Override
    protected void stopProcess(ProcessHandle handle) {
        // SIGINT = "fast" shutdown: ends sessions, checkpoints, exits
        Processes.stop(handle, "INT", Duration.ofSeconds(30), name, log);
    }
}
