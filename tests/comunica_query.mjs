// Query a SPARQL endpoint with the Comunica SPARQL client, as any outside user would:
//
//     node tests/comunica_query.mjs ENDPOINT QUERY
//
// prints the solutions as a JSON array, one object per solution, each variable bound to a term
// in the shape of the SPARQL 1.1 JSON results format ({"type", "value", "datatype", "xml:lang"}).
import { QueryEngine } from "@comunica/query-sparql";

const [endpoint, query] = process.argv.slice(2);
if (!endpoint || !query) {
  console.error("usage: node comunica_query.mjs ENDPOINT QUERY");
  process.exit(2);
}

function term(value) {
  switch (value.termType) {
    case "NamedNode":
      return { type: "uri", value: value.value };
    case "BlankNode":
      return { type: "bnode", value: value.value };
    case "Literal": {
      const literal = { type: "literal", value: value.value };
      if (value.language) literal["xml:lang"] = value.language;
      else if (value.datatype.value !== "http://www.w3.org/2001/XMLSchema#string") literal.datatype = value.datatype.value;
      return literal;
    }
    default:
      throw new Error(`unexpected term type ${value.termType}`);
  }
}

const engine = new QueryEngine();
const bindings = await engine.queryBindings(query, { sources: [{ type: "sparql", value: endpoint }] });
const solutions = (await bindings.toArray()).map((solution) =>
  Object.fromEntries([...solution].map(([variable, value]) => [variable.value, term(value)])));
console.log(JSON.stringify(solutions));
