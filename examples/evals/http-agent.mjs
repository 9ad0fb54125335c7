// A tiny agent service to try `daca eval run --agent-url http://127.0.0.1:8787/`:
// it receives {input, history, case, persona, seed} and answers {output, tool_calls?, usage?, cost_usd?}.
import { createServer } from 'node:http';

createServer((req, res) => {
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    const turn = JSON.parse(body);
    const doc = turn.case.context[0] ?? 'I do not know.';
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ output: `From our policy: ${doc}`, usage: { prompt_tokens: 20, completion_tokens: 12 } }));
  });
}).listen(8787, '127.0.0.1', () => console.log('agent on http://127.0.0.1:8787/'));
