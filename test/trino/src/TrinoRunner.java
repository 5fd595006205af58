import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trino.Session;
import io.trino.plugin.memory.MemoryPlugin;
import io.trino.spi.type.TimeZoneKey;
import io.trino.sql.parser.SqlParser;
import io.trino.sql.tree.Explain;
import io.trino.sql.tree.Insert;
import io.trino.sql.tree.Query;
import io.trino.sql.tree.Statement;
import io.trino.testing.MaterializedResult;
import io.trino.testing.MaterializedRow;
import io.trino.testing.StandaloneQueryRunner;

import java.io.InputStream;
import java.io.PrintStream;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;

import static io.trino.testing.TestingSession.testSessionBuilder;

/**
 * Runs SQL through Trino's own code for the TypeScript tests (test/query/trino.test.ts): one JSON
 * request on stdin, one JSON answer on stdout, one JVM for all statements.
 *
 * Request: {"schema": "db", "steps": [{"id": "...", "sql": "...", "run": "parse" | "execute"}]}.
 * "parse" runs io.trino.sql.parser.SqlParser only; "execute" then runs the statement on Trino's
 * engine in this JVM (io.trino.testing.StandaloneQueryRunner) with the catalog "memory" (the memory
 * connector) and the session schema "db", time zone UTC as on Athena: names, functions and types
 * are resolved by Trino itself.
 *
 * Answer: [{"id", "ok", "ms", "statement"? (the parsed statement's class), "error"?, "columns"?,
 * "types"?, "rows"? (values as text; timestamps as 'YYYY-MM-DD HH:MM:SS.fff', NULL as null)}], one
 * per step; "ms" includes the engine's start for the first "execute" step.
 * A failed step does not stop the others.
 */
public final class TrinoRunner
{
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");

    private TrinoRunner() {}

    public static void main(String[] args)
            throws Exception
    {
        ObjectMapper json = new ObjectMapper();
        JsonNode request;
        try (InputStream in = args.length > 0 ? java.nio.file.Files.newInputStream(java.nio.file.Path.of(args[0])) : System.in) {
            request = json.readTree(in);
        }
        // Trino's logging goes to stderr: stdout carries the answer only.
        PrintStream out = System.out;
        System.setOut(System.err);

        String schema = request.path("schema").asText("default");
        Session session = testSessionBuilder().setCatalog("memory").setSchema(schema).setTimeZoneKey(TimeZoneKey.UTC_KEY).build();
        SqlParser parser = new SqlParser();
        ArrayNode answer = json.createArrayNode();
        StandaloneQueryRunner runner = null;
        try {
            for (JsonNode step : request.path("steps")) {
                ObjectNode result = answer.addObject();
                result.put("id", step.path("id").asText());
                String sql = step.path("sql").asText();
                long started = System.nanoTime();
                try {
                    Statement statement = parser.createStatement(sql);
                    result.put("statement", statement.getClass().getSimpleName());
                    if (step.path("run").asText("parse").equals("execute")) {
                        if (runner == null) {
                            runner = startEngine(session, schema);
                        }
                        if (statement instanceof Query || statement instanceof Insert || statement instanceof Explain) {
                            describe(runner.execute(session, sql), result);
                        }
                        else {
                            // DDL has no result columns, which MaterializedResult cannot describe.
                            runner.executeWithoutResults(session, sql).result().get();
                        }
                    }
                    result.put("ok", true);
                }
                catch (RuntimeException e) {
                    result.put("ok", false);
                    result.put("error", e.getMessage() == null ? e.toString() : e.getMessage());
                }
                result.put("ms", (System.nanoTime() - started) / 1_000_000);
            }
        }
        finally {
            if (runner != null) {
                runner.close();
            }
        }
        out.println(json.writeValueAsString(answer));
        out.flush();
        // Non-daemon threads of the engine must not keep the JVM alive.
        System.exit(0);
    }

    private static StandaloneQueryRunner startEngine(Session session, String schema)
    {
        StandaloneQueryRunner runner = new StandaloneQueryRunner(session);
        runner.installPlugin(new MemoryPlugin());
        runner.createCatalog("memory", "memory", Map.of());
        runner.execute("CREATE SCHEMA memory.\"" + schema.replace("\"", "\"\"") + "\"");
        return runner;
    }

    private static void describe(MaterializedResult result, ObjectNode out)
    {
        ArrayNode columns = out.putArray("columns");
        result.getColumnNames().forEach(columns::add);
        ArrayNode types = out.putArray("types");
        result.getTypes().forEach(type -> types.add(type.getDisplayName()));
        ArrayNode rows = out.putArray("rows");
        for (MaterializedRow row : result.getMaterializedRows()) {
            ArrayNode values = rows.addArray();
            for (Object value : row.getFields()) {
                if (value == null) {
                    values.addNull();
                }
                else if (value instanceof LocalDateTime time) {
                    values.add(TIMESTAMP.format(time));
                }
                else {
                    values.add(value.toString());
                }
            }
        }
    }
}
