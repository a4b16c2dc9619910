;; attention
