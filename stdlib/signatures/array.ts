// Array functions: sizes, reductions over arrays, construction, slicing, sorting and
// conversion. `U` stands for any element type.
import { signatures } from './dsl.js';

export const ARRAY = signatures(`
  # sizes
  int size(array[] U x)
  int size(int x)
  int size(real x)
  array[] int dims(U x)
  int num_elements(array[] U x)

  # reductions
  int sum(array[] int x)
  real sum(array[] real x)
  complex sum(array[] complex x)
  int prod(array[] int x)
  real prod(array[] real x)
  real mean(array[] real x)
  real variance(array[] real x)
  real sd(array[] real x)
  int min(array[] int x)
  real min(array[] real x)
  int max(array[] int x)
  real max(array[] real x)
  real log_sum_exp(array[] real x)
  real norm1(array[] real x)
  real norm2(array[] real x)
  real dot_product(array[] real x, array[] real y)
  real squared_distance(array[] real x, array[] real y)
  real distance(array[] real x, array[] real y)
  real log_mix(array[] real theta, {array[] vector, array[] row_vector, vector, row_vector} lps)
  real log_mix({vector, row_vector} theta, array[] real lp)

  # construction
  array[] U rep_array(U x, int n)
  array[,] U rep_array(U x, int m, int n)
  array[,,] U rep_array(U x, int k, int m, int n)
  array[] real linspaced_array(int n, data real lower, data real upper)
  array[] int linspaced_int_array(int n, int lower, int upper)
  array[] real one_hot_array(int n, int k)
  array[] int one_hot_int_array(int n, int k)
  array[] real zeros_array(int n)
  array[] int zeros_int_array(int n)
  array[] real ones_array(int n)
  array[] int ones_int_array(int n)

  # slicing and concatenation
  array[] U head(array[] U sv, int n)
  array[] U tail(array[] U sv, int n)
  array[] U segment(array[] U sv, int i, int n)
  array[] U reverse(array[] U v)
  array[] U append_array(array[] U x, array[] U y)

  # sorting
  array[] int sort_asc(array[] int v)
  array[] real sort_asc(array[] real v)
  array[] int sort_desc(array[] int v)
  array[] real sort_desc(array[] real v)
  array[] int sort_indices_asc({array[] int, array[] real} v)
  array[] int sort_indices_desc({array[] int, array[] real} v)
  int rank({array[] int, array[] real} v, int s)
  array[] int cumulative_sum(array[] int x)
  array[] real cumulative_sum(array[] real x)

  # conversion
  array[] int to_array_1d({array[] int, array[,] int, array[,,] int, array[,,,] int} a)
  array[] real to_array_1d({array[] real, array[,] real, array[,,] real, array[,,,] real} a)
  array[] complex to_array_1d({complex_vector, complex_row_vector, complex_matrix} x)
  array[] complex to_array_1d({array[] complex, array[,] complex} a)
  matrix to_matrix(array[,] int x)
  vector to_vector(array[] int x)
  row_vector to_row_vector(array[] int x)
`);
