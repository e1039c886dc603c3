/*
 * Starts AWS's DynamoDB Local like its own main class does, but listening on one address only
 * (127.0.0.1 unless -Ddynamodb.host says otherwise) and tied to the process that started it.
 *
 * Why: DynamoDB Local's command line has no bind-address option; it builds a Jetty server on the
 * wildcard address, so anyone on the network could read and write the tables (it accepts any
 * credentials). Its Jetty connector can be told the host before it starts, which is what this does.
 *
 * It also answers only requests whose Host header names this machine (localhost, a loopback address
 * or the bound address; any IP address when bound to every address): a web page in the developer's
 * browser cannot reach it through a DNS name rebound to 127.0.0.1 (DNS rebinding) — the browser
 * sends that name as Host, and the answer is 403.
 *
 * Run by lib/tools/local/dynamodb.ts in Java's single-file source mode, with DynamoDBLocal.jar on
 * the class path. Prints "DYNAMODB_LOCAL_READY <host>:<port>" once the socket is bound, exits with
 * status 1 if it could not bind, and exits when its standard input closes (the Node process that
 * started it is gone, however it died).
 */
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.util.Locale;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import software.amazon.dynamodb.services.local.main.CommandLineInput;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

public class LoopbackDynamoDbLocal {
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    /** Whether a Host header value (name or address, optional port) names this machine. */
    static boolean allowedHost(String header, String boundHost) {
        if (header == null) return true; // HTTP/1.0 without Host: not a browser.
        String value = header.trim().toLowerCase(Locale.ROOT);
        String name;
        if (value.startsWith("[")) {
            int end = value.indexOf(']');
            if (end < 0) return false;
            name = value.substring(1, end);
        } else {
            int colon = value.indexOf(':');
            name = colon < 0 ? value : value.substring(0, colon);
        }
        boolean ipLiteral = IPV4.matcher(name).matches() || name.contains(":");
        boolean wildcard = boundHost.equals("0.0.0.0") || boundHost.equals("::");
        return name.equals("localhost") || name.endsWith(".localhost") || name.startsWith("127.") && ipLiteral
            || name.equals("::1") || name.equals(boundHost.toLowerCase(Locale.ROOT)) || wildcard && ipLiteral;
    }

    /** Refuses requests for any other Host with 403 before DynamoDB Local sees them. */
    static final class HostGuard extends Handler.Wrapper {
        private final String boundHost;

        HostGuard(Handler inner, String boundHost) {
            super(inner);
            this.boundHost = boundHost;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            if (allowedHost(request.getHeaders().get(HttpHeader.HOST), boundHost)) return super.handle(request, response, callback);
            response.setStatus(403);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/x-amz-json-1.0");
            Content.Sink.write(response, true, "{\"__type\":\"HostNotAllowed\",\"message\":\"This DynamoDB Local answers only to localhost names and its own address (DNS rebinding guard).\"}", callback);
            return true;
        }
    }

    public static void main(String[] args) throws Exception {
        String host = System.getProperty("dynamodb.host", "127.0.0.1");
        // Fails on a malformed address before anything listens.
        InetAddress.getByName(host);

        Thread parentWatch = new Thread(() -> {
            try {
                while (System.in.read() != -1) {
                    // Input is ignored: only its end matters.
                }
            } catch (Exception ignored) {
                // A broken pipe is an end too.
            }
            Runtime.getRuntime().halt(0);
        }, "parent-watch");
        parentWatch.setDaemon(true);
        parentWatch.start();

        if (!new CommandLineInput(args).init()) System.exit(2);
        DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
        Field field = DynamoDBProxyServer.class.getDeclaredField("server");
        field.setAccessible(true);
        Server server = (Server) field.get(proxy);
        ServerConnector bound = null;
        for (Connector connector : server.getConnectors()) {
            if (connector instanceof ServerConnector serverConnector) {
                serverConnector.setHost(host);
                bound = serverConnector;
            }
        }
        if (bound == null) {
            System.err.println("DynamoDB Local has no server connector to bind; refusing to listen on every address");
            System.exit(1);
        }
        server.setHandler(new HostGuard(server.getHandler(), host));
        // DynamoDB Local reports a bind failure on stderr and returns as if it had started.
        proxy.start();
        if (!server.isStarted() || bound.getLocalPort() <= 0) {
            System.err.println("DynamoDB Local could not listen on " + host + ":" + bound.getPort());
            System.exit(1);
        }
        System.out.println("DYNAMODB_LOCAL_READY " + host + ":" + bound.getLocalPort());
        System.out.flush();
        proxy.join();
    }
}
