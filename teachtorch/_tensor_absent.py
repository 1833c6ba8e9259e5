"""torch.Tensor names teachtorch does not have (written by tools/api_audit.py).

Each becomes a descriptor on Tensor that raises PyTorch's AttributeError plus a
hint (teachtorch/tensor_legacy.py). Re-run the tool instead of editing.
"""
ABSENT = (
    "adjoint", "angle", "as_strided_", "as_strided_scatter", "as_subclass",
    "ccol_indices", "cdouble", "cfloat", "chalf", "cholesky", "cholesky_inverse",
    "cholesky_solve", "coalesce", "col_indices", "conj", "conj_physical",
    "conj_physical_", "const_data_ptr", "crow_indices", "dense_dim", "dequantize",
    "diagonal_scatter", "dim_order", "eig", "frexp", "geqrf", "grad_dtype",
    "hash_tensor", "i0", "i0_", "igamma", "igamma_", "igammac", "igammac_", "imag",
    "index", "index_reduce", "index_reduce_", "indices", "int_repr", "ipu",
    "is_coalesced", "is_conj", "is_distributed", "is_ipu", "is_maia", "is_meta",
    "is_mkldnn", "is_mps", "is_mtia", "is_neg", "is_nested", "is_pinned",
    "is_quantized", "is_set_to", "is_shared", "is_sparse", "is_sparse_csr",
    "is_vulkan", "is_xla", "is_xpu", "isreal", "istft", "layout", "ldexp", "ldexp_",
    "lstsq", "lu", "lu_solve", "mH", "map2_", "matrix_exp", "module_load", "mtia",
    "mvlgamma", "mvlgamma_", "name", "narrow_copy", "new_empty_strided",
    "nextafter", "nextafter_", "nonzero_static", "orgqr", "ormqr", "output_nr",
    "pin_memory", "pinverse", "polygamma", "polygamma_", "q_per_channel_axis",
    "q_per_channel_scales", "q_per_channel_zero_points", "q_scale", "q_zero_point",
    "qr", "qscheme", "real", "record_stream", "register_post_accumulate_grad_hook",
    "reinforce", "resize", "resize_as_sparse_", "resolve_conj", "resolve_neg",
    "row_indices", "select_scatter", "set_", "share_memory_", "slice_inverse",
    "slice_scatter", "smm", "solve", "sparse_dim", "sparse_mask", "sparse_resize_",
    "sparse_resize_and_clear_", "sspaddmm", "stft", "storage_type", "svd", "symeig",
    "to_dense", "to_mkldnn", "to_padded_tensor", "to_sparse", "to_sparse_bsc",
    "to_sparse_bsr", "to_sparse_coo", "to_sparse_csc", "to_sparse_csr",
    "triangular_solve", "unsafe_split", "unsafe_split_with_sizes", "values",
    "volatile", "xpu",
)
