# Copy to production.tfvars (ignored by git) and fill in; secrets may come from TF_VAR_* instead.
github_repo = "your-org/your-fork"
domain      = "app.example.com"
