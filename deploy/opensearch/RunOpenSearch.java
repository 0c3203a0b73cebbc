// One embedded single-node OpenSearch, for local development and tests.
//
// Run with the single-file source launcher (no compile step), the jars fetched by pom.xml:
//   java -cp 'libs/*' RunOpenSearch.java --http-port 9200 --transport-port 9300 \
//        --base-path DIR [--cluster-name NAME]
//
// Why our own main rather than the runner's: its main moves to the next free HTTP port when
// the asked one is taken, and silently skips module classes it cannot load. Here the ports
// are exact (a taken port fails the start) and the modules we rely on must load.

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.logging.log4j.LogManager;
import org.codelibs.opensearch.runner.OpenSearchRunner;
import org.codelibs.opensearch.runner.node.OpenSearchRunnerNode;
import org.opensearch.cluster.health.ClusterHealthStatus;
import org.opensearch.plugins.Plugin;

public class RunOpenSearch {

    // Modules the services need; each entry lists the class names across versions
    // (2.x ...Plugin, 3.x ...ModulePlugin). analysis-common: the "french" analyzer;
    // geo: geo aggregations; netty4: the HTTP and transport layers themselves.
    private static final String[][] REQUIRED_MODULES = {
        {"org.opensearch.analysis.common.CommonAnalysisPlugin",
         "org.opensearch.analysis.common.CommonAnalysisModulePlugin"},
        {"org.opensearch.geo.GeoModulePlugin"},
        {"org.opensearch.transport.Netty4Plugin",
         "org.opensearch.transport.Netty4ModulePlugin"},
    };

    public static void main(String[] argv) throws Exception {
        Map<String, String> args = parseArgs(argv);
        String httpPort = require(args, "--http-port");
        String transportPort = require(args, "--transport-port");
        String basePath = require(args, "--base-path");
        String clusterName = args.getOrDefault("--cluster-name", "stage-local");

        List<String> modules = resolveModules();
        System.out.println("RunOpenSearch: modules " + String.join(",", modules));

        OpenSearchRunner runner = new OpenSearchRunner();
        runner.setMaxHttpPort(-1); // no probing for a "free" port: http.port is set below
        Runtime.getRuntime().addShutdownHook(new Thread(() -> close(runner), "opensearch-shutdown"));

        try {
            runner.onBuild((index, settings) -> {
                settings.put("http.port", httpPort);
                settings.put("transport.port", transportPort);
                settings.put("network.host", "127.0.0.1");
                // 2.x runners do not set this for one node; without it the node waits for peers.
                settings.put("discovery.type", "single-node");
                // A nearly full development disk must not turn indices read-only.
                settings.put("cluster.routing.allocation.disk.threshold_enabled", false);
                settings.put("node.name", "node-1");
                // The runner's default roles lack ingest (pipelines would be rejected).
                settings.putList("node.roles", "cluster_manager", "data", "ingest", "remote_cluster_client");
            }).build(OpenSearchRunner.newConfigs()
                    .numOfNode(1)
                    .basePath(basePath)
                    .clusterName(clusterName)
                    .moduleTypes(String.join(",", modules)));

            ClusterHealthStatus health = runner.ensureYellow();
            int loaded = ((OpenSearchRunnerNode) runner.node()).getPlugins().size();
            System.out.println("RunOpenSearch: READY http://127.0.0.1:" + httpPort
                    + " transport=" + transportPort + " cluster=" + clusterName
                    + " health=" + health + " modules=" + loaded);
        } catch (Throwable e) {
            System.err.println("RunOpenSearch: start-up failed: " + e);
            e.printStackTrace();
            // halt, not exit: the shutdown hook would close the runner a second time.
            close(runner);
            Runtime.getRuntime().halt(1);
        }
        Thread.currentThread().join(); // the node runs until SIGTERM/SIGINT
    }

    // The runner's own default list (read from it, so it follows the runner's version) plus a
    // hard failure when a required module is missing instead of the runner's silent skip.
    private static List<String> resolveModules() throws Exception {
        Field field = OpenSearchRunner.class.getDeclaredField("MODULE_TYPES");
        field.setAccessible(true);
        Set<String> required = new HashSet<>();
        for (String[] alternatives : REQUIRED_MODULES) {
            required.addAll(Arrays.asList(alternatives));
        }
        List<String> present = new ArrayList<>();
        for (String name : (String[]) field.get(null)) {
            if (loadable(name)) {
                present.add(name);
            } else if (!required.contains(name)) {
                System.out.println("RunOpenSearch: optional module absent, skipped: " + name);
            }
        }
        for (String[] alternatives : REQUIRED_MODULES) {
            String found = null;
            for (String name : alternatives) {
                if (loadable(name)) {
                    found = name;
                    break;
                }
            }
            if (found == null) {
                System.err.println("RunOpenSearch: required module missing from the classpath: "
                        + String.join(" or ", alternatives));
                System.exit(2);
            }
            if (!present.contains(found)) {
                present.add(found);
            }
        }
        return present;
    }

    private static boolean loadable(String className) {
        try {
            Class.forName(className, false, RunOpenSearch.class.getClassLoader()).asSubclass(Plugin.class);
            return true;
        } catch (ClassNotFoundException | ClassCastException | LinkageError e) {
            return false;
        }
    }

    private static void close(OpenSearchRunner runner) {
        try {
            if (!runner.isClosed()) {
                runner.close();
            }
        } catch (Exception e) {
            System.err.println("RunOpenSearch: close failed: " + e);
        } finally {
            // log4j's own shutdown hook is disabled (-Dlog4j.shutdownHookEnabled=false) so that
            // the node can still log while it closes; flush it last.
            LogManager.shutdown();
        }
    }

    private static Map<String, String> parseArgs(String[] argv) {
        Map<String, String> args = new HashMap<>();
        for (int i = 0; i < argv.length; i++) {
            if (!argv[i].startsWith("--") || i + 1 >= argv.length) {
                usage("unexpected argument: " + argv[i]);
            }
            args.put(argv[i], argv[++i]);
        }
        return args;
    }

    private static String require(Map<String, String> args, String name) {
        String value = args.get(name);
        if (value == null || value.isEmpty()) {
            usage("missing " + name);
        }
        return value;
    }

    private static void usage(String problem) {
        System.err.println("RunOpenSearch: " + problem + "\nusage: java -cp 'libs/*' RunOpenSearch.java"
                + " --http-port P --transport-port P --base-path DIR [--cluster-name NAME]");
        System.exit(64);
    }
}
