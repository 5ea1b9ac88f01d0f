// Test helper: a hand-written 2-3-1 `.nnet` file (with a comment line and normalisation constants).
export const tinyNnet = `// comment
2,2,1,3,
2,3,1,
0,
-1,-1,
1,1,
0,0,5,
1,1,2,
1,2,
-1,0.5,
3,0,
0.1,
-0.2,
0.3,
1,-1,1,
0.5,
`;
