;; rows
