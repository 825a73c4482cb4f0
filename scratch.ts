import { comparePatterns } from './src/drift/patterns';

console.log(comparePatterns('^aia_asst_*$', '^aia_asst_.+$', ['aia_asst'], []));
console.log(comparePatterns('^AC[0-9a-fA-F]{32}$', '^AC[0-9a-f]{32}$'));
console.log(comparePatterns('^AC[0-9a-f]{32}$', '^AC[0-9a-fA-F]{32}$'));
console.log(comparePatterns('^a+$', '^a{1,}$'));
console.log(comparePatterns('^aia_asst_.+$', undefined, [], ['sess-1']));
