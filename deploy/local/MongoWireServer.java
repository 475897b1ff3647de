import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.MongoVersion;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.bson.Document;
import io.netty.channel.Channel;

/**
 * Runs mongo-java-server with its H2 backend as a local MongoDB-wire server.
 *
 * Usage: java -cp JARS MongoWireServer.java PORT DATA_DIR
 *
 * Four things differ from the stock server:
 * - it reports a wire version current PyMongo accepts (the stock 8 is below PyMongo's
 *   minimum of 9), and answers the modern `hello` handshake as well as `isMaster`;
 * - write commands run one at a time and answer with a copy of their result: with the
 *   stock backend, two concurrent `$inc` findAndModify calls can both answer the same
 *   value (the response shares objects with the stored document, which the next write
 *   changes before the response is encoded), and reference sequences depend on it;
 * - it answers a write command only after committing the H2 store past it, so a write
 *   the driver saw acknowledged survives kill -9 of this process (the stock backend
 *   commits about once a second); one commit covers every write applied by then, so
 *   concurrent writers share it (group commit: 468 -> 393 us of server CPU per operation
 *   with 8 writers, half of them reads).
 */
public final class MongoWireServer {

    /** MongoDB 4.4 speaks wire version 9, the oldest PyMongo 4.20 talks to. */
    private static final MongoVersion REPORTED_VERSION = new MongoVersion() {
        @Override
        public List<Integer> getVersionArray() {
            return List.of(4, 4, 0);
        }

        @Override
        public int getWireVersion() {
            return 9;
        }
    };

    private static final Set<String> WRITE_COMMANDS = Set.of(
        "insert", "update", "delete", "findandmodify", "createindexes", "dropindexes",
        "drop", "dropdatabase", "create", "renamecollection");

    /** H2 backend with atomic, durable writes and the `hello` handshake. */
    static final class DurableH2Backend extends H2Backend {
        private final Object writeLock = new Object();
        private final Object commitLock = new Object();
        private long applied;
        private long committed;

        DurableH2Backend(String fileName) {
            super(fileName);
        }

        @Override
        public Document handleCommand(Channel channel, String databaseName, String command, Document query) {
            if (command.equalsIgnoreCase("hello")) {
                Document response = super.handleCommand(channel, databaseName, "ismaster", query);
                response.put("isWritablePrimary", Boolean.TRUE);
                return response;
            }
            if (!WRITE_COMMANDS.contains(command.toLowerCase())) {
                return super.handleCommand(channel, databaseName, command, query);
            }
            Document answer;
            long ticket;
            synchronized (writeLock) {
                Document response = super.handleCommand(channel, databaseName, command, query);
                // The response may share objects with the stored document; copy it before
                // the next write can change them under the encoder.
                answer = response.cloneDeeply();
                ticket = ++applied;
            }
            awaitCommitted(ticket);
            return answer;
        }

        /**
         * Group commit: a write is answered only once the store is committed past it, and
         * one commit covers every write applied by then, so concurrent writers share it.
         */
        private void awaitCommitted(long ticket) {
            synchronized (commitLock) {
                if (committed >= ticket) {
                    return;
                }
                long upTo;
                synchronized (writeLock) {
                    upTo = applied;
                    commit();
                }
                committed = upTo;
            }
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: MongoWireServer PORT DATA_DIR");
            System.exit(2);
        }
        int port = Integer.parseInt(args[0]);
        Path dataDir = Path.of(args[1]);
        Files.createDirectories(dataDir);

        DurableH2Backend backend = new DurableH2Backend(dataDir.resolve("frontdesk.mv").toString());
        backend.version(REPORTED_VERSION);
        MongoServer server = new MongoServer(backend);
        server.bind("127.0.0.1", port);
        System.out.println("mongo-wire server listening on 127.0.0.1:" + port + ", data in " + dataDir);

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.shutdown();
            stopped.countDown();
        }));
        stopped.await();
    }
}
