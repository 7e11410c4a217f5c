package org.scrapesearch.node;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.opensearch.analysis.common.CommonAnalysisPlugin;
import org.opensearch.common.settings.Settings;
import org.opensearch.node.MockNode;
import org.opensearch.node.Node;
import org.opensearch.plugins.Plugin;
import org.opensearch.transport.Netty4Plugin;

/**
 * Starts one real OpenSearch node in this JVM and keeps it up until the process is told to stop
 * (Ctrl-C, SIGTERM). Several launchers with the same --cluster and --seeds form a cluster.
 *
 * <p>MockNode is OpenSearch's own way of starting nodes in its integration tests; with no mock
 * plugins in its list, HTTP (Netty), transport, Lucene, allocation and discovery are the real
 * ones. There is no security plugin: plain HTTP on 127.0.0.1, for tests and trying things out.
 *
 * <pre>
 * java -cp 'target/classes:target/lib/*' org.scrapesearch.node.Launcher \
 *     --name node-0 --http 9200 --transport 9300 --data /tmp/os/node-0 \
 *     [--cluster scrapesearch-test] [--seeds 9300,9301,9302 --managers node-0,node-1,node-2]
 * </pre>
 */
public final class Launcher {

    private static final String USAGE = "usage: Launcher --name NAME --http PORT --transport PORT "
            + "--data DIR [--cluster NAME] [--host 127.0.0.1] "
            + "[--seeds PORT,PORT,... --managers NAME,NAME,...]";

    private Launcher() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = parse(args);
        String name = require(opts, "name");
        String host = opts.getOrDefault("host", "127.0.0.1");
        Path data = Path.of(require(opts, "data")).toAbsolutePath();
        Path home = data.resolve("home");
        Files.createDirectories(home.resolve("config"));
        Files.createDirectories(data.resolve("data"));
        Files.createDirectories(data.resolve("logs"));

        Settings.Builder settings = Settings.builder()
                .put("cluster.name", opts.getOrDefault("cluster", "scrapesearch"))
                .put("node.name", name)
                .put("path.home", home.toString())
                .put("path.data", data.resolve("data").toString())
                .put("path.logs", data.resolve("logs").toString())
                .put("network.host", host)
                .put("http.port", Integer.parseInt(require(opts, "http")))
                .put("transport.port", Integer.parseInt(require(opts, "transport")))
                .put("http.type", "netty4")
                .put("transport.type", "netty4")
                // A test disk that fills up must not turn the indexes read-only.
                .put("cluster.routing.allocation.disk.threshold_enabled", false)
                .put("action.auto_create_index", false);
        String seeds = opts.get("seeds");
        if (seeds == null) {
            settings.put("discovery.type", "single-node");
        } else {
            List<String> hosts = new ArrayList<>();
            for (String port : seeds.split(",")) {
                hosts.add(host + ":" + port.trim());
            }
            settings.putList("discovery.seed_hosts", hosts);
            settings.putList("cluster.initial_cluster_manager_nodes",
                    List.of(require(opts, "managers").split(",")));
        }

        List<Class<? extends Plugin>> plugins = List.of(Netty4Plugin.class,
                CommonAnalysisPlugin.class);
        Node node = new MockNode(settings.build(), plugins, false);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.close();
            } catch (Exception e) {
                System.err.println("error while stopping " + name + ": " + e);
            }
            stopped.countDown();
        }, "scrapesearch-node-stop"));
        node.start();
        System.out.println("OpenSearch node " + name + " listening on http://" + host + ":"
                + opts.get("http") + " (transport " + opts.get("transport") + ", data " + data
                + "); Ctrl-C stops it");
        System.out.flush();
        stopped.await();
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                fail("unexpected argument " + args[i]);
            }
            opts.put(args[i].substring(2), args[++i]);
        }
        return opts;
    }

    private static String require(Map<String, String> opts, String key) {
        String value = opts.get(key);
        if (value == null) {
            fail("--" + key + " is required");
        }
        return value;
    }

    private static void fail(String message) {
        System.err.println(message + "\n" + USAGE);
        System.exit(2);
    }
}
