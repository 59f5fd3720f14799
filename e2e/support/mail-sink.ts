// The e2e worker's SMTP server: the tests' loopback SMTP server (lib/email/testing) on a fixed
// port, plus a small HTTP endpoint the tests read the received messages from. Started by
// playwright.config.ts.
import { createServer } from "node:http";
import { startTestSmtpServer } from "../../lib/email/testing/smtp-server";

const smtpPort = Number(process.env.MAIL_SINK_SMTP_PORT);
const httpPort = Number(process.env.MAIL_SINK_HTTP_PORT);
if (!smtpPort || !httpPort) {
  throw new Error("MAIL_SINK_SMTP_PORT and MAIL_SINK_HTTP_PORT are required");
}

const smtp = await startTestSmtpServer(smtpPort);

createServer((req, res) => {
  const url = new URL(req.url ?? "/", "http://localhost");
  if (url.pathname === "/health") return void res.end("ok");
  if (url.pathname === "/messages") {
    const to = url.searchParams.get("to");
    res.setHeader("content-type", "application/json");
    return void res.end(JSON.stringify(smtp.received.filter((m) => !to || m.to.includes(to))));
  }
  res.writeHead(404).end();
}).listen(httpPort, "127.0.0.1");
