import { createToken, Lexer } from 'chevrotain';
test('chevrotain loads under ESM jest', () => {
  const Id = createToken({ name: 'Id', pattern: /[a-z]+/ });
  const lexer = new Lexer([Id]);
  expect(lexer.tokenize('abc').tokens[0].image).toBe('abc');
});
