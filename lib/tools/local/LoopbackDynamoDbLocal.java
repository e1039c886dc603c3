/*
 * Starts AWS's DynamoDB Local like its own main class does, but listening on one address only
 * (127.0.0.1 unless -Ddynamodb.host says otherwise) and tied to the process that started it.
 *
 * Why: DynamoDB Local's command line has no bind-address option; it builds a Jetty server on the
 * wildcard address, so anyone on the network could read and write the tables (it accepts any
 * credentials). Its Jetty connector can be told the host before it starts, which is what this does.
 *
 * Run by lib/tools/local/dynamodb.ts in Java's single-file source mode, with DynamoDBLocal.jar on
 * the class path. Prints "DYNAMODB_LOCAL_READY <host>:<port>" once the socket is bound, exits with
 * status 1 if it could not bind, and exits when its standard input closes (the Node process that
 * started it is gone, however it died).
 */
import java.lang.reflect.Field;
import java.net.InetAddress;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import software.amazon.dynamodb.services.local.main.CommandLineInput;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

public class LoopbackDynamoDbLocal {
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
