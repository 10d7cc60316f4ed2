// `cap` ships no type declarations; this covers the part the CLI uses.
declare module 'cap' {
  export class Cap {
    static deviceList(): unknown[];
  }
}
