import { z } from 'zod';
import { adapters } from '../src/gateways';
for (const g of ['tribopay','ghostpay'] as const) {
  try { console.log(JSON.stringify(z.toJSONSchema(adapters[g].schema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' })).slice(0, 1500)); } catch (e) { console.log('ERR', (e as Error).message); }
}
console.log(JSON.stringify(z.toJSONSchema(z.object({a: z.coerce.number().int().min(1).max(200).default(50), d: z.iso.datetime({offset:true}).optional(), n: z.string().nullable(), e: z.enum(['a','b'])}), {io:'input'})));
console.log(JSON.stringify(z.toJSONSchema(z.object({a: z.coerce.number().int().min(1).max(200).default(50), d: z.iso.datetime({offset:true}).optional(), n: z.string().nullable(), t: z.date()}), {io:'output', unrepresentable:'any'})));
