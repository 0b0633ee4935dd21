import { machineKeyBase, machineKeys } from '../../src/model/machineKey';

describe('machine keys of day entries (the seed: ARTEMIS_MATLAB)', () => {
  it.each([
    ['Artemis (Matlab)', 'ARTEMIS_MATLAB'],
    ['Artemis Matlab', 'ARTEMIS_MATLAB'],
    ['Muon', 'MUON'],
    ['  jupyter--lab 2.0 ', 'JUPYTER_LAB_2_0'],
    ['Café Noël', 'CAFE_NOEL'],
    ['ﬁle', 'FILE'],
    ['Artemis "v2" \\ (Matlab)\nnew', 'ARTEMIS_V2_MATLAB_NEW'],
    ['__proto__', 'PROTO'],
    ['all', 'ALL'],
    ['日本語', 'MACHINE'],
    ['', 'MACHINE'],
    ['()', 'MACHINE'],
  ])('%j -> %s', (name, key) => {
    expect(machineKeyBase(name)).toBe(key);
  });

  it('gives every name its own key when there is no collision', () => {
    expect(Object.fromEntries(machineKeys(['Muon', 'Artemis (Matlab)', 'Muon']))).toEqual({
      'Artemis (Matlab)': 'ARTEMIS_MATLAB',
      Muon: 'MUON',
    });
  });

  it('splits colliding names by code-point order, whatever order they come in', () => {
    const names = ['artemis-matlab', 'Artemis (Matlab)', 'ARTEMIS MATLAB'];
    const want = {
      'ARTEMIS MATLAB': 'ARTEMIS_MATLAB',
      'Artemis (Matlab)': 'ARTEMIS_MATLAB_2',
      'artemis-matlab': 'ARTEMIS_MATLAB_3',
    };
    expect(Object.fromEntries(machineKeys(names))).toEqual(want);
    expect(Object.fromEntries(machineKeys([...names].reverse()))).toEqual(want);
  });

  it("never takes a key another name owns, and keys are unique and never 'all'", () => {
    const names = ['a b', 'A-B', 'A_B_2', 'all', '日本', '中文', ''];
    const keys = machineKeys(names);
    expect(keys.get('A_B_2')).toBe('A_B_2');
    expect(new Set(keys.values()).size).toBe(names.length);
    expect([...keys.values()]).not.toContain('all');
    expect(keys.get('A-B')).toBe('A_B');
    expect(keys.get('a b')).toBe('A_B_3');
  });
});
